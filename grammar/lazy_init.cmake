# Run by grammar/CMakeLists.txt on the lexer and parser antlr4 generated, before they are compiled.
# Stops the build if the generated code is not as expected (ANTLR 4.9, Debian 12).
#
# 1. Removes the static Initializer objects: their constructors deserialized the ATNs at start-up
#    of every pipec command, half of the instructions of one that parses no Pipe (`--version`,
#    `lint` of YAML, `run`). EnsureInitialized() (Pipe.g4's members, parser_members.cc) runs the
#    same constructor when the first lexer or parser is made.
# 2. Deserializes without ATNDeserializer's verification, as the start-up objects did: they ran
#    before ATNDeserializationOptions::defaultOptions was constructed (another translation unit),
#    read its verify flag as false, and skipped it. The serialized ATN comes from the antlr4 tool
#    of the same build; verifying it again cost 2.8 million instructions a run.
function(replace_once file from to)
  file(READ "${file}" text)
  string(FIND "${text}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "lazy_init.cmake: `${from}` not found in ${file}; see grammar/Pipe.g4")
  endif()
  string(REPLACE "${from}" "${to}" text "${text}")
  file(WRITE "${file}" "${text}")
endfunction()

foreach(name PipeLexer PipeParser)
  set(file "${GEN}/${name}.cpp")
  replace_once("${file}" "${name}::Initializer ${name}::_init;"
               "// ${name}::Initializer ${name}::_init; (removed: ${name}::EnsureInitialized)")
  replace_once("${file}" "  atn::ATNDeserializer deserializer;"
               "  atn::ATNDeserializationOptions options;  // (lazy_init.cmake)\n  options.setVerifyATN(false);\n  atn::ATNDeserializer deserializer(options);")
endforeach()
