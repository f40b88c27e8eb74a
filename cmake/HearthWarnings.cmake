# Project code builds with -Wall -Wextra (and -Werror when HEARTH_WERROR is on). Applied per target
# so that third-party and generated code keeps its own flags.
function(hearth_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  if(HEARTH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
