import ArgumentParser

public struct PIMCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "pim", abstract: "Protection Information Management")
    public init() {}
    public func run() async throws {}
}
