import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// Generates one synthetic dataset per category, all describing the same ``DemoWorld`` over January–June 2026.
///
/// Deterministic: the same seed and scale give the same tables. Incidents, cases and feedback are drawn in
/// proportion to the areas' populations and insecurity; no names or other personal data are generated (ids
/// are sequence numbers). A spike is planted in June (movement restrictions in the first admin 2) so that the
/// monitoring trend shows one.
public struct DemoGenerator: Sendable {
    public let world: DemoWorld

    public init(seed: UInt64, scale: DemoWorld.Scale) { world = DemoWorld(seed: seed, scale: scale) }

    static let start = CivilDays.days(year: 2026, month: 1, day: 1)
    /// The last day of the demo data: coverage is judged as of it (`pim coverage --as-of`), since the data grows old.
    public static let end = CivilDays.days(year: 2026, month: 6, day: 30)
    static let months = TrendPeriod.month.range(start, end)

    /// The dataset of `category`, laid out as its template.
    public func table(for category: PIMCategory.ID) -> Table {
        var g = SeededGenerator(seed: world.seed &+ UInt64((PIMCategory.ID.allCases.firstIndex(of: category) ?? 0) + 1) &* 0x9E37_79B9)
        var rows = TemplateRows(CategoryTemplate.template(for: category))
        switch category {
        case .populationData: population(&rows, &g)
        case .protectionMonitoring: monitoring(&rows, &g)
        case .caseManagement: cases(&rows, &g)
        case .protectionNeedsAssessment: needs(&rows, &g)
        case .protectionResponseMonitoringEvaluation: response(&rows, &g)
        case .securitySituationalAwareness: security(&rows, &g)
        case .sectoralIMSystemsOther: sectoral(&rows, &g)
        case .communicatingWithAffectedCommunities: feedback(&rows, &g)
        }
        return rows.table()
    }

    /// Every template the demo has a file for: each category's, and its other templates (protection
    /// monitoring's household and key-informant interviews).
    public static var templates: [CategoryTemplate] { PIMCategory.ID.allCases.flatMap { CategoryTemplate.templates(for: $0) } }

    /// A template's file name without `.csv`: the category's id, then `-<variant>` for another template.
    public static func fileStem(_ template: CategoryTemplate) -> String {
        template.category.rawValue + (template.variant.map { "-\($0)" } ?? "")
    }

    /// The dataset of any template (see ``templates``).
    public func table(of template: CategoryTemplate) -> Table {
        guard template.variant == "responses" else { return table(for: template.category) }
        var g = SeededGenerator(seed: world.seed &+ 0x5EED_0009 &* 0x9E37_79B9)
        var rows = TemplateRows(template)
        interviews(&rows, &g)
        return rows.table()
    }

    static let ageShares = [0.48, 0.46, 0.06]
    static let femaleShare = 0.51

    func sexAge(_ total: Int, prefix: String, _ g: inout SeededGenerator) -> [String: TemplateRows.Cell] {
        var out: [String: TemplateRows.Cell] = [:]
        for sa in SexAge.all {
            let s = sa.sex == "female" ? Self.femaleShare : 1 - Self.femaleShare
            let a = Self.ageShares[Taxonomy.ageGroup.codes.firstIndex(of: sa.age) ?? 0]
            out["\(prefix)_\(sa.suffix)"] = .integer(Int((Double(total) * s * a * Double.random(in: 0.95...1.05, using: &g)).rounded()))
        }
        return out
    }

    static func partsTotal(_ row: [String: TemplateRows.Cell], prefix: String) -> Int {
        SexAge.all.reduce(0) { acc, sa in if case .integer(let v) = row["\(prefix)_\(sa.suffix)"] { acc + v } else { acc } }
    }

    func base(_ a: DemoWorld.Area, date: Int32) -> [String: TemplateRows.Cell] {
        ["date": .date(date), "adm1_code": .text(a.adm1Code), "adm2_code": .text(a.code)]
    }

    func randomDay(in month: Int32, _ g: inout SeededGenerator) -> Int32 {
        let next = TrendPeriod.month.next(month)
        return month + Int32.random(in: 0..<(next - month), using: &g)
    }

    /// A second stream for the columns added in session 12 (QA11 C7), so that the columns drawn before keep
    /// their values for a seed.
    func extraStream(_ category: PIMCategory.ID) -> SeededGenerator {
        SeededGenerator(seed: (world.seed ^ 0xC7C7_C7C7) &+ UInt64((PIMCategory.ID.allCases.firstIndex(of: category) ?? 0) + 1) &* 0xD1B5_4A32_D192_ED03)
    }

    static func uniform(_ codes: [String]) -> [(String, Double)] { codes.map { ($0, 1.0) } }

    /// Services referred to and given, mental health and health the most often.
    static let serviceWeights = Taxonomy.service.codes.map { ($0, $0 == "mhpss" || $0 == "health" ? 3.0 : 1.0) }

    func person(_ g: inout SeededGenerator) -> [String: TemplateRows.Cell] {
        ["sex": .text(g.weighted([("female", 0.55), ("male", 0.45)])),
         "age_group": .text(g.weighted([("children", 0.4), ("adults", 0.5), ("elderly", 0.1)]))]
    }

    // MARK: - Categories

    func population(_ rows: inout TemplateRows, _ g: inout SeededGenerator) {
        let dates = [CivilDays.days(year: 2026, month: 1, day: 15), CivilDays.days(year: 2026, month: 4, day: 15)]
        var first = true
        for (di, d) in dates.enumerated() {
            for a in world.areas {
                for group in a.population.keys.sorted() {
                    let growth = group == "idps" ? 1 + 0.15 * Double(di) : 1.0
                    let size = Int(Double(a.population[group] ?? 0) * growth)
                    var row = base(a, date: d).merging(sexAge(size, prefix: "population", &g)) { $1 }
                    row["population_group"] = .text(group)
                    row["source_org"] = .text("ORG-A")
                    let total = Self.partsTotal(row, prefix: "population")
                    // One reported total that does not match its parts, so the check has something to find.
                    row["population_total"] = .integer(first && di == 1 ? total + 100 : total)
                    if di == 1 { first = false }
                    rows.append(row)
                    if group == "idps" && di == 1 && Bool.random(using: &g) {
                        var other = base(a, date: d).merging(sexAge(Int(Double(size) * Double.random(in: 0.7...1.05, using: &g)), prefix: "population", &g)) { $1 }
                        other["population_group"] = .text(group)
                        other["source_org"] = .text("ORG-B")
                        other["population_total"] = .integer(Self.partsTotal(other, prefix: "population"))
                        rows.append(other)
                    }
                }
            }
        }
    }

    func monitoring(_ rows: inout TemplateRows, _ g: inout SeededGenerator) {
        let risks = Taxonomy.protectionRisk.codes.enumerated().map { ($0.element, $0.offset < 8 ? 2.0 : 1.0) }
        var x = extraStream(.protectionMonitoring)
        let sources = [("key-informant", 4.0), ("household-interview", 3.0), ("survivor-witness", 2.0), ("direct-observation", 1.0),
                       ("community-group", 1.0), ("secondary-data", 0.5)]
        var n = 0
        for (mi, m) in Self.months.enumerated() {
            for (ai, a) in world.areas.enumerated() {
                let mean = (Double(a.population["idps"] ?? 0) / 1_500 + Double(a.totalPopulation) / 40_000) * (0.5 + a.insecurity)
                var count = g.poisson(mean)
                var planted = 0
                if ai == 0 && mi == Self.months.count - 1 { planted = 15; count += planted }
                for k in 0..<count {
                    n += 1
                    var row = base(a, date: randomDay(in: m, &g)).merging(person(&g)) { $1 }
                    row["report_id"] = .text(String(format: "PM-%06d", n))
                    row["protection_risk"] = .text(k < planted ? "movement-restrictions" : g.weighted(risks))
                    row["population_group"] = .text(g.weighted(a.population.keys.sorted().map { ($0, Double(a.population[$0] ?? 0)) }))
                    row["affected"] = .integer(Int.random(in: 1...6, using: &g))
                    row["org"] = .text(g.weighted([("ORG-C", 0.6), ("ORG-D", 0.4)]))
                    // Who reported it and how far it is verified; the perpetrator when known; the GBVIMS type of GBV.
                    if case .text("gbv") = row["protection_risk"] {
                        row["gbv_incident_type"] = .text(x.weighted(Self.uniform(Taxonomy.gbvIncidentType.codes)))
                    }
                    if x.nextUnitInterval() < 0.7 { row["perpetrator"] = .text(x.weighted(Self.uniform(Taxonomy.perpetrator.codes))) }
                    row["source"] = .text(x.weighted(sources))
                    row["verification"] = .text(x.weighted([("reported", 0.5), ("verified", 0.3), ("not-verified", 0.2)]))
                    rows.append(row)
                }
            }
        }
    }

    func cases(_ rows: inout TemplateRows, _ g: inout SeededGenerator) {
        let needs = Taxonomy.specificNeed.codes.map { ($0, $0 == "child-at-risk" || $0 == "woman-at-risk" ? 3.0 : 1.0) }
        var x = extraStream(.caseManagement)
        var n = 0
        for a in world.areas {
            let count = g.poisson(Double(a.totalPopulation) / 2_000)
            for _ in 0..<count {
                n += 1
                let opened = Self.start + Int32.random(in: 0...(Self.end - Self.start), using: &g)
                let closedDay = opened + Int32(g.exponential(45).rounded()) + 1
                var row = person(&g)
                row["case_id"] = .text(String(format: "C-%06d", n))
                row["opened"] = .date(opened)
                row["adm1_code"] = .text(a.adm1Code)
                row["adm2_code"] = .text(a.code)
                let need = g.weighted(needs)
                row["specific_need"] = .text(need)
                if need == "gbv-survivor" { row["gbv_incident_type"] = .text(g.weighted(Taxonomy.gbvIncidentType.codes.map { ($0, 1.0) })) }
                if need == "child-at-risk" || need == "unaccompanied-separated-child" { row["age_group"] = .text("children") }
                if need == "older-person-at-risk" { row["age_group"] = .text("elderly") }
                if need == "woman-at-risk" { row["sex"] = .text("female"); row["age_group"] = .text("adults") }
                let referred = g.nextUnitInterval() < 0.6
                if referred { row["referral_service"] = .text(g.weighted(Self.serviceWeights)) }
                if closedDay <= Self.end {
                    row["closed"] = .date(closedDay)
                    row["status"] = .text("closed")
                } else {
                    row["status"] = .text(referred ? "referred" : "open")
                }
                row["org"] = .text(g.weighted([("ORG-C", 0.5), ("ORG-E", 0.5)]))
                cases(&row, &x)
                rows.append(row)
            }
        }
    }

    /// A case's unit, its age in years (within its age group), the service given when it was closed, and its
    /// consent per purpose: a few refuse disclosure or reporting, or withdraw from tracing, so that shares and
    /// shareable outputs have refusals to honour.
    func cases(_ row: inout [String: TemplateRows.Cell], _ x: inout SeededGenerator) {
        row["case_unit"] = .text(x.nextUnitInterval() < 0.85 ? "individual" : "household")
        if x.nextUnitInterval() < 0.75, case .text(let group) = row["age_group"] {
            let range: ClosedRange<Int> = group == "children" ? 0...17 : group == "elderly" ? 60...90 : 18...59
            row["age"] = .integer(Int.random(in: range, using: &x))
        }
        if case .text("closed") = row["status"] {
            row["service_provided"] = .text(x.weighted(Self.serviceWeights))
        }
        row["consent_services"] = .text(x.nextUnitInterval() < 0.99 ? "yes" : "no")
        row["consent_disclosure"] = .text(x.nextUnitInterval() < 0.9 ? "yes" : "no")
        row["consent_reporting"] = .text(x.nextUnitInterval() < 0.95 ? "yes" : "no")
        if x.nextUnitInterval() < 0.3 { row["consent_tracing"] = .text(x.nextUnitInterval() < 0.8 ? "yes" : "no") }
    }

    func needs(_ rows: inout TemplateRows, _ g: inout SeededGenerator) {
        var n = 0
        let survey = CivilDays.days(year: 2026, month: 3, day: 1)
        for a in world.areas {
            let households = Double(a.totalPopulation) / 5
            let sample = world.scale.sampleSize
            for _ in 0..<sample {
                n += 1
                let group = g.weighted(a.population.keys.sorted().map { ($0, Double(a.population[$0] ?? 0)) })
                var row = base(a, date: survey + Int32.random(in: 0..<21, using: &g))
                row["household_id"] = .text(String(format: "HH-%06d", n))
                row["population_group"] = .text(group)
                row["respondent_sex"] = .text(g.weighted([("female", 0.6), ("male", 0.4)]))
                row["weight"] = .decimal((households / Double(sample) * 100).rounded() / 100)
                let displaced = group != "host-community"
                row["feels_unsafe"] = .text(g.nextUnitInterval() < 0.15 + 0.5 * a.insecurity ? "yes" : "no")
                row["lacks_documents"] = .text(g.nextUnitInterval() < (displaced ? 0.35 : 0.08) ? "yes" : "no")
                row["separated_child"] = .text(g.nextUnitInterval() < (displaced ? 0.06 : 0.01) ? "yes" : "no")
                row["main_risk"] = .text(g.weighted(Taxonomy.protectionRisk.codes.prefix(10).map { ($0, 1.0) }))
                row["priority_need"] = .text(g.weighted(Taxonomy.priorityNeed.codes.map { ($0, $0 == "food" ? 3.0 : 1.0) }))
                rows.append(row)
            }
        }
    }

    func response(_ rows: inout TemplateRows, _ g: inout SeededGenerator) {
        let orgs = ["ORG-C", "ORG-E", "ORG-F"]
        for (oi, org) in orgs.enumerated() {
            let indicators = Taxonomy.responseIndicator.codes.enumerated().filter { ($0.offset + oi) % 2 == 0 }.map(\.element)
            for (ai, a) in world.areas.enumerated() where (ai + oi) % 2 == 0 {
                for ind in indicators {
                    let monthlyTarget = max(10, Int(Double(a.population["idps"] ?? 0) / 400))
                    for (mi, m) in Self.months.enumerated() {
                        var row = base(a, date: m).merging(sexAge(monthlyTarget, prefix: "targeted", &g)) { $1 }
                        let progress = min(1.2, 0.4 + 0.1 * Double(mi) + Double.random(in: -0.1...0.2, using: &g))
                        let reached = sexAge(Int(Double(monthlyTarget) * progress), prefix: "reached", &g)
                        row.merge(reached) { $1 }
                        row["org"] = .text(org)
                        row["indicator"] = .text(ind)
                        row["activity"] = .text(Self.activityOf[ind] ?? ind)
                        row["period_end"] = .date(TrendPeriod.month.next(m) - 1)
                        rows.append(row)
                    }
                }
            }
        }
    }

    /// The 5W activity each response indicator counts.
    static let activityOf: [String: String] = [
        "case-management": "Case management", "pss": "Psychosocial support sessions", "legal-assistance": "Legal counselling",
        "awareness": "Protection awareness sessions", "gbv-response": "GBV response services",
    ]

    static let accessOf: [String: String] = [
        "armed-clash": "3a", "shelling-airstrike": "3a", "explosive-device": "3b", "checkpoint-obstruction": "1b",
        "bureaucratic-impediment": "1a", "violence-against-aid": "1c", "looting": "2b", "civil-unrest": "2a", "natural-hazard": "3c",
    ]

    func security(_ rows: inout TemplateRows, _ g: inout SeededGenerator) {
        var n = 0
        var x = extraStream(.securitySituationalAwareness)
        let types = Taxonomy.securityIncidentType.codes
        for m in Self.months {
            for a in world.areas {
                for _ in 0..<g.poisson(0.5 + 4 * a.insecurity) {
                    n += 1
                    let type = g.weighted(types.map { ($0, ["armed-clash", "checkpoint-obstruction"].contains($0) ? 1 + 3 * a.insecurity : 1) })
                    var row = base(a, date: randomDay(in: m, &g))
                    row["incident_id"] = .text(String(format: "SEC-%05d", n))
                    row["incident_type"] = .text(type)
                    row["access_variable"] = .text(Self.accessOf[type] ?? "3c")
                    row["severity"] = .integer(min(3, max(1, Int((a.insecurity * 3 + Double.random(in: -0.5...1, using: &g)).rounded()))))
                    if ["armed-clash", "shelling-airstrike", "explosive-device"].contains(type) {
                        row["casualties"] = .integer(g.poisson(1.5))
                    }
                    row["org"] = .text("ORG-S")
                    security(&row, type: type, area: a, &x)
                    rows.append(row)
                }
            }
        }
    }

    /// Who was responsible, what it did to operations, whether aid workers were affected, and for explosive
    /// devices the hazard and its location (a point near the area's own, which the demo world places on a grid).
    func security(_ row: inout [String: TemplateRows.Cell], type: String, area: DemoWorld.Area, _ x: inout SeededGenerator) {
        switch type {
        case "armed-clash", "shelling-airstrike": row["actor"] = .text(x.weighted([("state-forces", 1), ("non-state-armed-group", 1.5), ("unknown", 0.5)]))
        case "looting", "civil-unrest": row["actor"] = .text(x.weighted([("criminal", 1), ("community", 1), ("unknown", 0.5)]))
        case "natural-hazard": break
        default: row["actor"] = .text(x.weighted(Self.uniform(Taxonomy.securityActor.codes)))
        }
        row["impact"] = .text(x.weighted([("none", 3.0), ("delayed", 2.0), ("suspended", 1.0), ("relocated", 0.3), ("assets-lost", 0.3), ("casualties", 0.2)]))
        row["aid_workers_affected"] = .text(type == "violence-against-aid" || x.nextUnitInterval() < 0.05 ? "yes" : "no")
        if type == "explosive-device" {
            row["hazard_type"] = .text(x.weighted([("landmine", 1.0), ("uxo", 2.0), ("ied", 1.0), ("contaminated-area", 0.5)]))
            let index = world.areas.firstIndex { $0.code == area.code } ?? 0
            let lat = 12.0 + Double(index / 6) * 0.4 + x.nextUnitInterval() * 0.3
            let lon = 30.0 + Double(index % 6) * 0.4 + x.nextUnitInterval() * 0.3
            row["latitude"] = .decimal((lat * 10_000).rounded() / 10_000)
            row["longitude"] = .decimal((lon * 10_000).rounded() / 10_000)
        }
    }

    static let sectorOf: [String: (sector: String, owner: String, ownership: String, range: ClosedRange<Double>)] = [
        "children-out-of-school-pct": ("education", "ORG-EDU", "sector", 10...60),
        "unsafe-latrines-pct": ("wash", "ORG-WASH", "sector", 5...50),
        "no-birth-registration-pct": ("health", "ORG-HEALTH", "sector", 5...40),
        "child-labour-pct": ("livelihoods", "ORG-LIV", "protection", 2...30),
        "eviction-threat-pct": ("shelter", "ORG-SHELTER", "protection", 1...25),
        "unlit-sites-pct": ("cccm", "ORG-CCCM", "sector", 10...80),
    ]

    func sectoral(_ rows: inout TemplateRows, _ g: inout SeededGenerator) {
        let dates = [CivilDays.days(year: 2026, month: 2, day: 1), CivilDays.days(year: 2026, month: 5, day: 1)]
        for d in dates {
            for a in world.areas {
                for ind in Taxonomy.proxyIndicator.codes {
                    guard let info = Self.sectorOf[ind] else { continue }
                    var row = base(a, date: d)
                    row["sector"] = .text(info.sector)
                    row["indicator"] = .text(ind)
                    let v = info.range.lowerBound + (info.range.upperBound - info.range.lowerBound) * (0.3 * a.insecurity + 0.7 * g.nextUnitInterval())
                    row["value"] = .decimal((v * 10).rounded() / 10)
                    row["owner_org"] = .text(info.owner)
                    row["ownership"] = .text(info.ownership)
                    rows.append(row)
                }
            }
        }
    }

    /// Household and key-informant monitoring interviews: unsafe and restricted more often where insecurity is
    /// higher, and movement restricted in the first admin 2 in June (the spike the incidents show too).
    func interviews(_ rows: inout TemplateRows, _ g: inout SeededGenerator) {
        let risks = Taxonomy.protectionRisk.codes.enumerated().map { ($0.element, $0.offset < 8 ? 2.0 : 1.0) }
        var n = 0
        for (mi, m) in Self.months.enumerated() {
            for (ai, a) in world.areas.enumerated() {
                for _ in 0..<(4 + g.poisson(Double(a.totalPopulation) / 25_000)) {
                    n += 1
                    var row = base(a, date: randomDay(in: m, &g))
                    row["interview_id"] = .text(String(format: "PMI-%06d", n))
                    row["respondent_type"] = .text(g.weighted([("household", 0.7), ("key-informant", 0.3)]))
                    row["population_group"] = .text(g.weighted(a.population.keys.sorted().map { ($0, Double(a.population[$0] ?? 0)) }))
                    row["respondent_sex"] = .text(g.weighted([("female", 0.55), ("male", 0.45)]))
                    let spike = ai == 0 && mi == Self.months.count - 1
                    row["feels_unsafe"] = .text(g.nextUnitInterval() < 0.15 + 0.6 * a.insecurity ? "yes" : "no")
                    row["movement_restricted"] = .text(g.nextUnitInterval() < (spike ? 0.85 : 0.1 + 0.4 * a.insecurity) ? "yes" : "no")
                    row["main_risk"] = .text(spike ? "movement-restrictions" : g.weighted(risks))
                    if g.nextUnitInterval() < 0.9 { row["services_accessible"] = .text(g.nextUnitInterval() < 0.6 ? "yes" : "no") }
                    if g.nextUnitInterval() < 0.8 { row["incidents_known"] = .integer(g.poisson(1 + 3 * a.insecurity)) }
                    row["org"] = .text(g.weighted([("ORG-C", 0.6), ("ORG-D", 0.4)]))
                    rows.append(row)
                }
            }
        }
    }

    func feedback(_ rows: inout TemplateRows, _ g: inout SeededGenerator) {
        var n = 0
        var x = extraStream(.communicatingWithAffectedCommunities)
        let channels = Taxonomy.feedbackChannel.codes.map { ($0, $0 == "hotline" || $0 == "help-desk" ? 3.0 : 1.0) }
        let topics = Taxonomy.feedbackTopic.codes.map { ($0, $0 == "assistance-request" || $0 == "information-request" ? 4.0 : $0 == "sensitive" ? 0.3 : 1.0) }
        for m in Self.months {
            for a in world.areas {
                for _ in 0..<g.poisson(Double(a.totalPopulation) / 8_000) {
                    n += 1
                    let received = randomDay(in: m, &g)
                    var row = person(&g)
                    row["feedback_id"] = .text(String(format: "FB-%06d", n))
                    row["received"] = .date(received)
                    row["adm1_code"] = .text(a.adm1Code)
                    row["adm2_code"] = .text(a.code)
                    row["channel"] = .text(g.weighted(channels))
                    row["topic"] = .text(g.weighted(topics))
                    var sensitive = x.nextUnitInterval() < 0.03
                    if case .text("sensitive") = row["topic"] { sensitive = true }
                    row["sensitive"] = .text(sensitive ? "yes" : "no")
                    row["priority"] = .text(sensitive ? x.weighted([("high", 1.0), ("urgent", 1.0)])
                        : x.weighted([("low", 3.0), ("medium", 4.0), ("high", 1.0), ("urgent", 0.2)]))
                    let responded = received + Int32(g.exponential(6).rounded())
                    if g.nextUnitInterval() < 0.85, responded <= Self.end {
                        row["responded"] = .date(responded)
                        row["status"] = .text("closed")
                    } else {
                        row["status"] = .text("open")
                    }
                    rows.append(row)
                }
            }
        }
    }

    // MARK: - Files

    /// Writes `gazetteer.csv` and one `<file stem>.csv` per template (``fileStem(_:)``, with the HXL row) into
    /// `directory`.
    /// - Returns: the file names written, gazetteer first.
    public func write(to directory: URL) throws(TableWriteError) -> [String] {
        var names = ["gazetteer.csv"]
        try CSVWriter.write(world.gazetteer(), hxl: true, to: directory.appendingPathComponent("gazetteer.csv"))
        for t in Self.templates {
            let name = Self.fileStem(t) + ".csv"
            try CSVWriter.write(table(of: t), hxl: true, to: directory.appendingPathComponent(name))
            names.append(name)
        }
        return names
    }
}
