import ArgumentParser
import Foundation
import PIMCategories
import PIMCore
import PIMFramework
import PIMStorage
import PIMTable

/// `pim demo generate --seed N --out DIR [--scale small|medium]`: synthetic data for every category template.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate synthetic demonstration data for every PIM category.",
        subcommands: [Generate.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a synthetic gazetteer and one dataset per category (HXL CSV), the same every time for a seed.",
            discussion: """
                Example:
                  pim demo generate --seed 7 --out demo --scale small
                All files describe one invented country (P-codes ZZ01…): population, incidents, cases,
                feedback and the rest are drawn from the same areas and populations. No real person or place.
                The command prints the `pim import` lines that load the files into a workspace.
                """
        )

        @Option(help: "Seed of the random generator.") var seed: UInt64 = 1
        @Option(help: "Directory to write into (created if missing).") var out: String
        @Option(help: "small (9 districts) or medium (20 districts).") var scale: DemoWorld.Scale = .small

        func run() throws {
            let dir = URL(fileURLWithPath: out, isDirectory: true)
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw CLIError("Cannot create the directory \(out).")
            }
            let generator = DemoGenerator(seed: seed, scale: scale)
            var files = try generator.write(to: dir)
            for c in PIMCategory.ID.allCases {
                let name = c.rawValue + ".schema.json"
                let json = try Output.json(CategoryTemplate.template(for: c).schema) + "\n"
                do { try Data(json.utf8).write(to: dir.appendingPathComponent(name), options: .atomic) } catch {
                    throw CLIError("Cannot write \(name) in \(out).")
                }
                files.append(name)
            }
            for f in files {
                if f.hasSuffix(".schema.json") { continue }
                let rows = f == "gazetteer.csv" ? generator.world.areas.count
                    : PIMCategory.ID(rawValue: String(f.dropLast(4))).map { generator.table(for: $0).rowCount } ?? 0
                print("wrote \(dir.appendingPathComponent(f).path) (\(rows) rows)")
            }
            print("wrote \(PIMCategory.ID.allCases.count) schema files (<category>.schema.json)")
            print("\nLoad them into a workspace (after `pim init`) with:")
            for c in PIMCategory.ID.allCases {
                print("  pim import \(dir.appendingPathComponent(c.rawValue + ".csv").path) --dataset demo-\(c.rawValue) --category \(c.rawValue) "
                      + "--purpose \"Demonstration of \(PIMFramework.standard.category(c).name)\" --gazetteer \(dir.appendingPathComponent("gazetteer.csv").path) "
                      + "--schema \(dir.appendingPathComponent(c.rawValue + ".schema.json").path)")
            }
        }
    }
}

extension DemoWorld.Scale: ExpressibleByArgument {}
