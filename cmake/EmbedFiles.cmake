# embed_files(OUT_CC NAMESPACE FUNC FILES...): generates a .cc that defines
#   std::span<const EmbeddedFile> FUNC()  (entries sorted by name)
# with each file's bytes, so stdlib modules and rule docs ship inside the binary.
function(embed_files out_cc func)
  set(files ${ARGN})
  # A CMake list would be split by the shell at its semicolons: pass it '|'-separated.
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out_cc}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cc} -DFUNC=${func} -DROOT=${CMAKE_SOURCE_DIR}
            -DFILES=${files_arg} -P ${CMAKE_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    VERBATIM
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    COMMENT "Embedding ${func}")
endfunction()
