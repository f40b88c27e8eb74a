# CPack: the packages made from the install tree (`cpack` in a build folder; the files land in
# build/<preset>/packages). Linux: a .deb for Debian 12 / Ubuntu 24.04 and a relocatable .tar.gz.
# Windows (WiX, or NSIS) and macOS (DragNDrop) are configured here but not built in CI; see
# installer/README.md for what they need.

set(CPACK_PACKAGE_NAME hearth)
set(CPACK_PACKAGE_VENDOR "The Hearth maintainers")
set(CPACK_PACKAGE_CONTACT "${HEARTH_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "offline desktop chat with the gpt-oss language model")
# Debian wants the lines of a package description at most 80 characters long.
set(CPACK_PACKAGE_DESCRIPTION
    "Hearth is a desktop chat app for OpenAI's open-weight gpt-oss-20b model.\n"
    "The model runs on this computer: once the model file is on disk, nothing\n"
    "touches the network. Every chat is saved and can be searched.\n"
    "\n"
    "The package holds the desktop app, hearth-cli (the same engine from a\n"
    "terminal) and hearth-bench. The model itself (gpt-oss-20b-mxfp4.gguf,\n"
    "about 12 GB) is not included; the app can download it.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_PACKAGE_INSTALL_DIRECTORY Hearth)
set(CPACK_PACKAGE_EXECUTABLES hearth Hearth)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_VERBATIM_VARIABLES ON)

if(UNIX AND NOT APPLE)
  set(CPACK_GENERATOR DEB TGZ)

  # .deb: installs under /usr. Library dependencies come from dpkg-shlibdeps; the QML modules the
  # app imports at run time (QtQuick, Controls, Layouts, Dialogs and what they load) are named by
  # hand because no binary links against them.
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_PACKAGE_SECTION utils)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
  set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
  if(HEARTH_BUILD_GUI)
    set(qml_modules
        qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtquick-controls
        qml6-module-qtquick-templates qml6-module-qtquick-layouts qml6-module-qtquick-dialogs
        qml6-module-qt-labs-folderlistmodel qml6-module-qtqml qml6-module-qtqml-workerscript)
    string(JOIN ", " CPACK_DEBIAN_PACKAGE_DEPENDS ${qml_modules})
    # A Vulkan driver for the GPU (Mesa covers AMD, Intel and lavapipe on the CPU; the NVIDIA
    # driver provides vulkan-icd too), the Wayland platform plugin, and the certificates Qt's
    # HTTPS checks a server against when the app downloads a model.
    set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
        "mesa-vulkan-drivers | vulkan-icd, qt6-wayland, ca-certificates")
  else()
    set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "mesa-vulkan-drivers | vulkan-icd")
  endif()

  # .tar.gz: the same tree (bin/, share/) under hearth-<version>-Linux/, runnable from wherever
  # it is unpacked. It uses the system's Qt, Vulkan loader, ICU and SQLite, like the .deb.
  set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
  set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
elseif(WIN32)
  # Windows: an .msi from WiX 3 (cpack -G WIX), or an .exe from NSIS (cpack -G NSIS). Qt's
  # runtime (DLLs, plugins and the QML modules the app imports) is copied beside hearth.exe by
  # Qt's deployment script, which runs windeployqt. The Vulkan loader comes with the GPU driver.
  set(CPACK_GENERATOR WIX)
  # Never change this: it is how an .msi recognises an older Hearth to upgrade.
  set(CPACK_WIX_UPGRADE_GUID 7A4C2E51-93D8-4F0B-B6E2-1C5D8F30A9E4)
  set(CPACK_WIX_PROGRAM_MENU_FOLDER Hearth)
  set(CPACK_NSIS_DISPLAY_NAME Hearth)
  set(CPACK_NSIS_PACKAGE_NAME Hearth)
  if(HEARTH_BUILD_GUI)
    qt_generate_deploy_qml_app_script(TARGET hearth FILENAME_VARIABLE hearth_deploy_script)
    install(SCRIPT ${hearth_deploy_script})
  endif()
elseif(APPLE)
  # macOS: a .dmg holding hearth.app to drag into Applications (cpack -G DragNDrop). Qt is copied
  # into the bundle by Qt's deployment script (macdeployqt); Vulkan runs on Metal through
  # MoltenVK, which is copied from the Vulkan SDK with the loader and an ICD file that points
  # into the bundle.
  set(CPACK_GENERATOR DragNDrop)
  set(CPACK_DMG_VOLUME_NAME Hearth)
  set(HEARTH_MOLTENVK_DIR "" CACHE PATH
      "The Vulkan SDK's macOS folder (holds lib/libvulkan.1.dylib and lib/libMoltenVK.dylib)")
  if(HEARTH_BUILD_GUI)
    set_target_properties(hearth PROPERTIES
      INSTALL_RPATH "@executable_path/../Frameworks"
      MACOSX_BUNDLE_BUNDLE_NAME Hearth
      MACOSX_BUNDLE_GUI_IDENTIFIER ${HEARTH_APPSTREAM_ID}
      MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION})
    if(HEARTH_MOLTENVK_DIR)
      install(FILES ${HEARTH_MOLTENVK_DIR}/lib/libvulkan.1.dylib
                    ${HEARTH_MOLTENVK_DIR}/lib/libMoltenVK.dylib
              DESTINATION hearth.app/Contents/Frameworks)
      install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/macos/MoltenVK_icd.json
              DESTINATION hearth.app/Contents/Resources/vulkan/icd.d)
    else()
      message(WARNING "HEARTH_MOLTENVK_DIR is not set: the .dmg will not contain MoltenVK")
    endif()
    qt_generate_deploy_qml_app_script(TARGET hearth FILENAME_VARIABLE hearth_deploy_script)
    install(SCRIPT ${hearth_deploy_script})
  endif()
endif()

include(CPack)
