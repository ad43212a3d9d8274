import PIMCommandLine

PIMEntryPoint.prepare()
await PIMEntryPoint.run()
