import ArgumentParser
import Foundation
@testable import PIMCommandLine
import PIMServer
import Testing

@Suite struct ServeUploadOptionTests {
    @Test func theUploadLimitComesFromTheFlagThenTheEnvironment() throws {
        let flag = try #require(try PIMCommand.parseAsRoot(["serve", "--max-upload-mb", "3"]) as? ServeCommand)
        #expect(try flag.serverConfiguration(environment: ["PIM_MAX_UPLOAD_MB": "9"]).maxUploadBytes == 3 * 1024 * 1024)
        let env = try #require(try PIMCommand.parseAsRoot(["serve"]) as? ServeCommand)
        #expect(try env.serverConfiguration(environment: ["PIM_MAX_UPLOAD_MB": "9"]).maxUploadBytes == 9 * 1024 * 1024)
        #expect(try env.serverConfiguration(environment: [:]).maxUploadBytes == 512 * 1024 * 1024)
        #expect(throws: (any Error).self) { _ = try env.serverConfiguration(environment: ["PIM_MAX_UPLOAD_MB": "lots"]) }
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["serve", "--max-upload-mb", "0"]) }
    }
}
