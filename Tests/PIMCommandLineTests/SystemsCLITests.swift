import Foundation
import Testing

/// `pim systems add` and `list`: the systems map of a response (§8), other agencies' systems included.
@Suite struct SystemsCLITests {
    @Test func systemsAreRegisteredListedAndAnUnregisteredOwnerIsSaid() throws {
        let dir = try initialisedWorkspace()
        #expect(try PIMBinary.run(["org", "add", "--name", "Danish Refugee Council", "--acronym", "DRC", "--type", "ingo"], in: dir).status == 0)
        // A registered owner: no note
        let known = try PIMBinary.run(["systems", "add", "--name", "IDP site monitoring", "--owner", "DRC", "--category", "protection-monitoring",
                                       "--area", "SD01", "--tools", "KoboToolbox", "--frequency", "monthly"], in: dir)
        #expect(known.status == 0, "\(known.err)")
        #expect(!known.err.contains("not a registered organisation"))
        // An owner the workspace does not know (another agency's system, or a typo): recorded, and said (C4)
        let unknown = try PIMBinary.run(["systems", "add", "--name", "Shelter tracker", "--owner", "DRX", "--category", "sectoral-im-systems-other",
                                         "--area", "SD02"], in: dir)
        #expect(unknown.status == 0, "\(unknown.err)")
        #expect(unknown.err.contains("DRX is not a registered organisation"), "\(unknown.err)")
        // The same system again is refused without --replace
        let again = try PIMBinary.run(["systems", "add", "--name", "IDP site monitoring", "--owner", "DRC", "--category", "protection-monitoring",
                                       "--area", "SD01"], in: dir)
        #expect(again.status != 0)
        // Both are listed, with their owners and categories
        let list = try PIMBinary.run(["systems", "list", "--format", "json"], in: dir)
        #expect(list.status == 0, "\(list.err)")
        #expect(list.out.contains("IDP site monitoring") && list.out.contains("Shelter tracker"), "\(list.out)")
        #expect(list.out.contains("\"DRX\"") && list.out.contains("sectoral-im-systems-other"))
    }

    /// QA14: `--dataset` repeated kept only the last one, silently; a system feeds one dataset, and says so.
    @Test func aSystemIsLinkedToOneDatasetAndARepeatedDatasetIsRefused() throws {
        let dir = try initialisedWorkspace()
        let twice = try PIMBinary.run(["systems", "add", "--name", "Two sets", "--owner", "DRC", "--category", "protection-monitoring",
                                       "--area", "SD01", "--dataset", "a", "--dataset", "b"], in: dir)
        #expect(twice.status != 0)
        #expect(twice.err.contains("--dataset was given 2 times: a system feeds one dataset"), "\(twice.err)")
        #expect(!(try PIMBinary.run(["systems", "list", "--format", "json"], in: dir).out.contains("Two sets")))
    }
}
