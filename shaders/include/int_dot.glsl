// Packed integer dot products (SPV_KHR_integer_dot_product), which glslang 12 knows only as SPIR-V
// intrinsics, and MXFP4 codes as the bytes they take. Only the shaders that take them include
// this: the module then declares the capability, and the device must have enabled the feature
// (vulkan_device.cpp).
#extension GL_EXT_spirv_intrinsics : require

// OpSDot (4450) over 4 x 8-bit signed lanes (capabilities DotProduct 6019,
// DotProductInput4x8BitPacked 6018; packed format 0: PackedVectorFormat4x8Bit).
spirv_instruction(extensions = ["SPV_KHR_integer_dot_product"], capabilities = [6019, 6018],
                  id = 4450)
int packed_signed_dot(uint a, uint b, spirv_literal int packed_format);

// The sum of the products of a's and b's four signed bytes.
int dot_4x8(uint a, uint b) { return packed_signed_dot(a, b, 0); }

// The E2M1 values doubled (whole numbers, -12 to 12) as bytes: a table in shared memory, which
// the includer fills (with fp4_byte) before a barrier, and only for MXFP4 rows (their scales
// are then halved). The includer has included weight_element.glsl.
shared uint fp4_bytes[16];
uint fp4_byte(uint code) { return uint(int(2.0 * fp4_values[code])) & 0xFFu; }

// Four nibbles of MXFP4 codes (the low 16 bits) as four bytes, the first in the low byte.
uint fp4_doubled(uint nibbles) {
    return fp4_bytes[nibbles & 15u] | fp4_bytes[(nibbles >> 4) & 15u] << 8 |
           fp4_bytes[(nibbles >> 8) & 15u] << 16 | fp4_bytes[(nibbles >> 12) & 15u] << 24;
}
