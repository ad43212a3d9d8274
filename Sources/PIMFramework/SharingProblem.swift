/// One of the ten common data-sharing problems of §12, with the mitigation pim offers for it.
///
/// The seed lists the problems (titles verbatim); its annex with the solutions is not part of it, so each
/// mitigation is pim's own (source `.pimProject`). The named pim feature may be built by a later issue.
public struct SharingProblem: Sendable, Hashable, Codable, Identifiable {
    /// Stable id, e.g. `metadata`.
    public let id: String
    /// Position in the §12 list, 1…10.
    public let number: Int
    /// The problem as listed in §12.
    public let title: String
    /// What goes wrong, in pim's words.
    public let risk: String
    /// How pim mitigates it.
    public let mitigation: String
    /// The pim feature that carries the mitigation.
    public let pimFeature: String
    public let section: SectionReference
    public let mitigationSource: Source

    public init(
        id: String, number: Int, title: String, risk: String, mitigation: String, pimFeature: String
    ) {
        self.id = id
        self.number = number
        self.title = title
        self.risk = risk
        self.mitigation = mitigation
        self.pimFeature = pimFeature
        self.section = SectionReference(12)
        self.mitigationSource = .pimProject
    }
}

extension SharingProblem {
    /// The ten problems of §12, in the seed's order.
    public static let all: [SharingProblem] = [
        SharingProblem(
            id: "inappropriate-sharing", number: 1,
            title: "Specific issues if data is shared inappropriately (data breaches, accountability)",
            risk: "Data reaches people it was not meant for and no one can say who shared what, when.",
            mitigation: "Every share, export and change is recorded in an append-only log whose entries are chained by hash, so tampering shows and each share names its agreement.",
            pimFeature: "hash-chained audit trail"),
        SharingProblem(
            id: "data-security", number: 2, title: "Specific issues for data security",
            risk: "Stored or transferred data is read or altered by someone without the right.",
            mitigation: "Users act under roles with the least rights needed, passwords are stored only as bcrypt hashes, and share packages are signed so changes in transit are detected.",
            pimFeature: "role-based access, bcrypt-hashed credentials, signed share packages"),
        SharingProblem(
            id: "metadata", number: 3, title: "Metadata (quality, validity, integrity)",
            risk: "Shared data arrives without its source, date, method, coverage or disaggregation, so it cannot be trusted or compared.",
            mitigation: "Each share is a package with a metadata.json (source, collection date and method, category, coverage, disclosure control applied, agreement) and a signature over its contents.",
            pimFeature: "signed share packages with metadata.json"),
        SharingProblem(
            id: "im-technical-issues", number: 4, title: "IM technical issues",
            risk: "Partners use different formats, tools and column names, so data cannot be combined.",
            mitigation: "Import and export of CSV and XLSX with HXL hashtags, one typed table model, and SQLite or PostgreSQL storage from the same commands.",
            pimFeature: "HXL-aware CSV/XLSX import and export"),
        SharingProblem(
            id: "risk-in-sharing", number: 5, title: "How to mitigate risk in sharing",
            risk: "Even without names, rare combinations of attributes or small counts can re-identify a person.",
            mitigation: "Before anything leaves pim, quasi-identifiers are checked for k-anonymity and small cells in tables are suppressed, with the parameters recorded in the package.",
            pimFeature: "k-anonymity / small-cell suppression"),
        SharingProblem(
            id: "no-sops", number: 6,
            title: "Existing data protection SOPs or policies to enable sharing, re-enforcement of guide policy",
            risk: "Without agreed procedures, partners either share nothing or share ad hoc.",
            mitigation: "Sharing happens under an explicit agreement between parties; a new agreement starts from the §10 rules of the categories involved as default policies.",
            pimFeature: "agreements + default §10 policies"),
        SharingProblem(
            id: "communicating-with-communities", number: 7,
            title: "Communicating with communities — feedback, mechanism, narrative",
            risk: "Communities are not told what is collected about them or what came of it, and their feedback is lost.",
            mitigation: "Feedback can be stored as datasets of the Communicating with Affected Communities category, and aggregated findings can be rendered as plain-language markdown for return to communities.",
            pimFeature: "category-tagged feedback datasets and markdown reports"),
        SharingProblem(
            id: "trust-and-capacity", number: 8, title: "Data sharing enabler (trust and capacity)",
            risk: "Partners do not know what others hold or how they will treat shared data.",
            mitigation: "A common vocabulary (`pim framework`) and transparent records of what was shared under which agreement build a basis for trust; the command line keeps the tool usable with little IM capacity.",
            pimFeature: "shared PIM framework reference (`pim framework`) and share logs"),
        SharingProblem(
            id: "timeliness", number: 9, title: "Timeliness",
            risk: "Data arrives too late to inform the response.",
            mitigation: "Agreements can carry a schedule; pim lists the shares that are due so they are produced on time.",
            pimFeature: "scheduled shares (`pim share due`)"),
        SharingProblem(
            id: "aggregation", number: 10, title: "Over- or under-aggregated data",
            risk: "Data aggregated too much is useless; too little puts people at risk.",
            mitigation: "Each agreement states the aggregation level per dataset (e.g. by admin level, age group and sex), applied on export.",
            pimFeature: "aggregation levels per agreement"),
    ]
}
