// Packed integer dot products (SPV_KHR_integer_dot_product), which glslang 12 knows only as SPIR-V
// intrinsics. Only the shaders that take them include this: the module then declares the
// capability, and the device must have enabled the feature (vulkan_device.cpp).
#extension GL_EXT_spirv_intrinsics : require

// OpSDot (4450) over 4 x 8-bit signed lanes (capabilities DotProduct 6019,
// DotProductInput4x8BitPacked 6018; packed format 0: PackedVectorFormat4x8Bit).
spirv_instruction(extensions = ["SPV_KHR_integer_dot_product"], capabilities = [6019, 6018],
                  id = 4450)
int packed_signed_dot(uint a, uint b, spirv_literal int packed_format);

// The sum of the products of a's and b's four signed bytes.
int dot_4x8(uint a, uint b) { return packed_signed_dot(a, b, 0); }
