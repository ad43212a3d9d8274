import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// The synthetic place every demo dataset describes: admin areas with P-codes and population sizes.
///
/// Entirely invented (country code `ZZ`, names from a word list); no real place or person.
public struct DemoWorld: Sendable, Hashable {
    /// How much data to generate.
    public enum Scale: String, Sendable, Hashable, CaseIterable {
        case small, medium

        var adm1Count: Int { self == .small ? 3 : 5 }
        var adm2PerAdm1: Int { self == .small ? 3 : 4 }
        var sampleSize: Int { self == .small ? 20 : 60 }
    }

    /// One admin-2 area and who lives there.
    public struct Area: Sendable, Hashable {
        public var adm1Code: String
        public var adm1Name: String
        public var code: String
        public var name: String
        /// Persons by population group (`idps`, `host-community`, `refugees`).
        public var population: [String: Int]
        /// 0…1: how insecure the area is; drives incidents and access constraints.
        public var insecurity: Double

        public var totalPopulation: Int { population.values.reduce(0, +) }
    }

    public let seed: UInt64
    public let scale: Scale
    public let areas: [Area]

    static let adm1Names = ["Northern Plains", "Eastern Hills", "Central Valley", "Southern Coast", "Western Highlands"]
    static let adm2Names = ["Amber", "Birch", "Cedar", "Delta", "Elm", "Fern", "Granite", "Harbor", "Iris", "Juniper",
                            "Kestrel", "Lotus", "Maple", "Nettle", "Oak", "Pine", "Quartz", "Reed", "Sage", "Thistle"]

    public init(seed: UInt64, scale: Scale) {
        self.seed = seed
        self.scale = scale
        var g = SeededGenerator(seed: seed)
        var areas: [Area] = []
        for i in 0..<scale.adm1Count {
            let a1 = "ZZ" + Self.pad(i + 1)
            let insecurityBase = Double.random(in: 0...1, using: &g)
            for j in 0..<scale.adm2PerAdm1 {
                let n = i * scale.adm2PerAdm1 + j
                var pop = ["host-community": Int.random(in: 20_000...120_000, using: &g),
                           "idps": Int.random(in: 2_000...30_000, using: &g)]
                if i == 0 { pop["refugees"] = Int.random(in: 1_000...12_000, using: &g) }
                areas.append(Area(adm1Code: a1, adm1Name: Self.adm1Names[i], code: a1 + Self.pad(j + 1),
                                  name: Self.adm2Names[n % Self.adm2Names.count] + " District",
                                  population: pop, insecurity: min(1, max(0, insecurityBase + Double.random(in: -0.2...0.2, using: &g)))))
            }
        }
        self.areas = areas
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// The gazetteer table: `#adm1+code`, `#adm1+name`, `#adm2+code`, `#adm2+name`, one row per admin 2.
    public func gazetteer() -> Table {
        let cols: [(String, String, [String])] = [
            ("adm1_code", "#adm1+code", areas.map(\.adm1Code)), ("adm1_name", "#adm1+name", areas.map(\.adm1Name)),
            ("adm2_code", "#adm2+code", areas.map(\.code)), ("adm2_name", "#adm2+name", areas.map(\.name)),
        ]
        let columns = cols.map { Column(name: $0.0, tag: HXLTagSpec.parseSpec($0.1), data: .textColumn($0.2)) }
        return (try? Table(columns: columns)) ?? .empty
    }
}

/// Rows keyed by column name, turned into a table with a template's column order, types and HXL tags.
struct TemplateRows {
    enum Cell { case text(String), integer(Int), decimal(Double), date(Int32) }

    let template: CategoryTemplate
    private(set) var rows: [[String: Cell]] = []

    init(_ template: CategoryTemplate) { self.template = template }

    mutating func append(_ row: [String: Cell]) { rows.append(row) }

    func table() -> Table {
        let columns = template.fields.map { tf -> Column in
            let f = tf.field
            let data: ColumnData
            switch f.type {
            case .integer: data = .integerColumn(rows.map { if case .integer(let v) = $0[f.name] { v } else { nil } })
            case .decimal: data = .decimalColumn(rows.map {
                switch $0[f.name] {
                case .decimal(let v): v
                case .integer(let v): Double(v)
                default: nil
                }
            })
            case .date: data = .dateColumn(rows.map { if case .date(let v) = $0[f.name] { v } else { nil } })
            case .text, .boolean: data = .textColumn(rows.map { if case .text(let v) = $0[f.name] { v } else { nil } })
            }
            return Column(name: f.name, tag: f.hxl.flatMap(HXLTagSpec.parseSpec), data: data)
        }
        return (try? Table(columns: columns)) ?? .empty
    }
}

extension SeededGenerator {
    /// A Poisson draw (Knuth's method for small means, a rounded normal approximation above 30).
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 30 {
            let u1 = max(nextUnitInterval(), 1e-12), u2 = nextUnitInterval()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return max(0, Int((mean + z * mean.squareRoot()).rounded()))
        }
        let l = exp(-mean)
        var k = 0, p = 1.0
        repeat {
            k += 1
            p *= nextUnitInterval()
        } while p > l
        return k - 1
    }

    /// An exponential draw with the given mean.
    mutating func exponential(_ mean: Double) -> Double { -mean * log(1 - nextUnitInterval()) }

    /// One of `options`, chosen with probability proportional to its weight.
    mutating func weighted<T>(_ options: [(T, Double)]) -> T {
        let total = options.reduce(0) { $0 + $1.1 }
        var x = nextUnitInterval() * total
        for (v, w) in options {
            if x < w { return v }
            x -= w
        }
        return options[options.count - 1].0
    }
}
