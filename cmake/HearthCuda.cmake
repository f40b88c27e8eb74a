# CUDA kernels are compiled by nvcc into one fatbin (SASS for the consumer architectures from
# Turing to Blackwell, plus PTX so other GPUs can JIT) and embedded in the binary. The runtime loads
# the driver with dlopen, so nothing links against CUDA and the build never needs it.
if(HEARTH_CUDA STREQUAL "OFF")
  set(HEARTH_HAVE_CUDA OFF)
  return()
endif()

find_program(HEARTH_NVCC nvcc HINTS ENV CUDACXX PATHS /usr/local/cuda/bin /usr/cuda/bin)
if(HEARTH_NVCC)
  set(HEARTH_HAVE_CUDA ON)
  # The toolkit's CUDA version (13.0 -> 13000): the oldest driver that can load what it builds.
  execute_process(COMMAND ${HEARTH_NVCC} --version OUTPUT_VARIABLE nvcc_version)
  if(nvcc_version MATCHES "release ([0-9]+)\\.([0-9]+)")
    math(EXPR HEARTH_CUDA_TOOLKIT_VERSION "${CMAKE_MATCH_1} * 1000 + ${CMAKE_MATCH_2} * 10")
  else()
    message(FATAL_ERROR "Could not read the CUDA version from `${HEARTH_NVCC} --version`")
  endif()
  message(STATUS "CUDA kernels: building with ${HEARTH_NVCC} (CUDA ${HEARTH_CUDA_TOOLKIT_VERSION})")
elseif(HEARTH_CUDA STREQUAL "ON")
  message(FATAL_ERROR "HEARTH_CUDA=ON but nvcc was not found (set CUDACXX or PATH)")
else()
  set(HEARTH_HAVE_CUDA OFF)
  message(STATUS "CUDA kernels: nvcc not found, the CUDA backend is left out")
endif()

# sm_75 Turing, sm_86 Ampere, sm_89 Ada, sm_120 Blackwell (consumer), and PTX of the oldest: the
# driver JITs PTX only for its own or a newer architecture, so compute_75 PTX runs on every GPU
# without SASS here, where compute_120 PTX would run on none. compute_80 PTX too: the driver JITs
# the newest PTX a GPU can take, so data-centre sm_80/sm_90 GPUs get the bf16 tensor-core kernels
# (sm_80 on) rather than Turing's.
set(HEARTH_CUDA_ARCHS 75 86 89 120 CACHE STRING "SASS architectures in the CUDA fatbin")
set(HEARTH_CUDA_EXTRA_PTX_ARCHS 80 CACHE STRING "PTX architectures in the fatbin besides the oldest")

# hearth_add_cuda_fatbin(<target> NAMESPACE <ns> SYMBOL <name> HEADER <path.h> SOURCE kernels.cu
#                        [INCLUDE_DIRS dirs...])
# makes a static library exporting `<ns>::<name>` (the fatbin's words), declared in HEADER. nvcc
# takes one translation unit per fatbin, so SOURCE #includes the kernel files (tracked by a depfile).
function(hearth_add_cuda_fatbin target)
  cmake_parse_arguments(ARG "" "NAMESPACE;SYMBOL;SOURCE;HEADER" "INCLUDE_DIRS" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${target})
  set(gencode)
  foreach(arch IN LISTS HEARTH_CUDA_ARCHS)
    list(APPEND gencode -gencode arch=compute_${arch},code=sm_${arch})
  endforeach()
  list(GET HEARTH_CUDA_ARCHS 0 ptx_arch)
  set(ptx_archs ${ptx_arch} ${HEARTH_CUDA_EXTRA_PTX_ARCHS})
  list(REMOVE_DUPLICATES ptx_archs)
  foreach(arch IN LISTS ptx_archs)
    list(APPEND gencode -gencode arch=compute_${arch},code=compute_${arch})
  endforeach()

  set(includes)
  foreach(dir IN LISTS ARG_INCLUDE_DIRS)
    list(APPEND includes -I${dir})
  endforeach()

  get_filename_component(source ${ARG_SOURCE} ABSOLUTE)
  set(fatbin ${out_dir}/${ARG_SYMBOL}.fatbin)
  add_custom_command(
    OUTPUT ${fatbin}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${HEARTH_NVCC} -fatbin -O3 -std=c++17 ${gencode} ${includes} -MD -MF ${fatbin}.d
            -o ${fatbin}
            ${source}
    MAIN_DEPENDENCY ${source}
    DEPFILE ${fatbin}.d
    COMMENT "Compiling CUDA kernels to ${ARG_SYMBOL}.fatbin"
    VERBATIM)
  hearth_embed_binary(OUTPUT ${out_dir}/${ARG_SYMBOL}_fatbin.cpp INPUT ${fatbin}
                      SYMBOL ${ARG_SYMBOL} NAMESPACE ${ARG_NAMESPACE})
  hearth_embed_header(OUTPUT ${out_dir}/include/${ARG_HEADER} NAMESPACE ${ARG_NAMESPACE}
                      SYMBOLS ${ARG_SYMBOL})
  add_library(${target} STATIC ${out_dir}/${ARG_SYMBOL}_fatbin.cpp)
  target_include_directories(${target} PUBLIC ${out_dir}/include)
  target_compile_features(${target} PUBLIC cxx_std_23)
endfunction()
