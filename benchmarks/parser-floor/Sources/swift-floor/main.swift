// Starts the Swift runtime, statically linked as hostcontract's is, and exits.
_ = CommandLine.argc
