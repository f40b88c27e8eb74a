// gpt-oss's clamped SwiGLU of an expert row's gate and up values (shared/docs/gpt-oss-model.md):
// the gate clamped from above, up on both sides, then gate * sigmoid(1.702 gate) * (up + 1).
float swiglu(float gate, float up, float limit) {
    const float alpha = 1.702;
    gate = min(gate, limit);
    up = clamp(up, -limit, limit);
    return gate / (1.0 + exp(-alpha * gate)) * (up + 1.0);
}
