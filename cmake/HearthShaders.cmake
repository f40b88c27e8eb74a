# GLSL compute shaders -> SPIR-V (glslangValidator) -> words embedded in a static library.
#
# hearth_add_shaders(<target> NAMESPACE <ns> HEADER <include/path.h> SOURCES a.comp ...
#                    [INCLUDE_DIRS dir ...])
# Each `name.comp` becomes `extern const std::span<const std::uint32_t> <ns>::name` declared in the
# generated HEADER, so a missing shader is a compile error rather than a run-time lookup failure.
# Includes (#include via GL_GOOGLE_include_directive) are tracked through glslang's depfile.
find_program(HEARTH_GLSLANG glslangValidator REQUIRED)
set(HEARTH_SPIRV_TARGET_ENV vulkan1.2 CACHE STRING "glslang --target-env for compute shaders")

function(hearth_add_shaders target)
  cmake_parse_arguments(ARG "" "NAMESPACE;HEADER" "SOURCES;INCLUDE_DIRS" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${target})
  set(include_flags)
  foreach(dir IN LISTS ARG_INCLUDE_DIRS)
    list(APPEND include_flags -I${dir})
  endforeach()

  set(generated_sources)
  set(names)
  foreach(source IN LISTS ARG_SOURCES)
    get_filename_component(name ${source} NAME_WE)
    get_filename_component(source_path ${source} ABSOLUTE)
    set(spv ${out_dir}/${name}.spv)
    add_custom_command(
      OUTPUT ${spv}
      COMMAND ${HEARTH_GLSLANG} -V --target-env ${HEARTH_SPIRV_TARGET_ENV} ${include_flags}
              --depfile ${spv}.d -o ${spv} ${source_path}
      MAIN_DEPENDENCY ${source_path}
      DEPFILE ${spv}.d
      COMMENT "Compiling shader ${name}.comp to SPIR-V"
      VERBATIM)
    hearth_embed_binary(OUTPUT ${out_dir}/${name}_spv.cpp INPUT ${spv} SYMBOL ${name}
                        NAMESPACE ${ARG_NAMESPACE})
    list(APPEND generated_sources ${out_dir}/${name}_spv.cpp)
    list(APPEND names ${name})
  endforeach()

  set(header ${out_dir}/include/${ARG_HEADER})
  hearth_embed_header(OUTPUT ${header} NAMESPACE ${ARG_NAMESPACE} SYMBOLS ${names})
  add_library(${target} STATIC ${generated_sources} ${header})
  target_include_directories(${target} PUBLIC ${out_dir}/include)
  target_compile_features(${target} PUBLIC cxx_std_23)
endfunction()
