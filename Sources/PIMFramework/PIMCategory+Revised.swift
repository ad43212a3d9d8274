// The categories revised at the second PIM Working Meeting, December 2015 (§7.1, §7.3, §7.4). Their definitions
// and explanations are in the seed (paraphrased here); matrix rows the seed does not give come from the PIM Matrix.

private let matrixSection = SectionReference(8)

extension PIMCategory {
    /// Security and Situational Awareness, formerly "Security, Access, Safety" (§7.1, §9.6, §10.6).
    public static let securitySituationalAwareness = PIMCategory(
        id: .securitySituationalAwareness,
        name: "Security and Situational Awareness",
        aliases: [Alias("Security, Access, Safety", kind: .formerName, section: SectionReference(7, 1))],
        definition: .seed(
            "Security and incident systems that monitor the affected population and the ability of humanitarian "
                + "actors to reach people physically and securely, giving information on the overall security "
                + "situation, humanitarian space and access (including staff safety) and other concerns.",
            SectionReference(7, 1)),
        explanation: [
            .seed(
                "Focuses on the security situation, including humanitarian access to populations of concern; an "
                    + "interface with other capacities, about information protection actors do not control.",
                SectionReference(7, 1)),
            .seed(
                "A contextual risk analysis is needed even before any protection work or humanitarian response "
                    + "starts, so this category often gives the very first data and is a precondition to planning.",
                SectionReference(7, 1)),
            .seed(
                "Unexploded ordnance (UXO) and explosive remnants of war (ERW) belong in this category; the OCHA "
                    + "access framework gives its key dimensions and variables.", SectionReference(7, 1)),
        ],
        status: .spiritEndorsed,
        statusSection: SectionReference(7, 1),
        subCategoryExamples: [
            .seed("Context and conflict analysis", SectionReference(9, 6)),
            .seed("Security risk assessment and early warning", SectionReference(9, 6)),
            .seed("Humanitarian access monitoring (OCHA access framework)", SectionReference(7, 1)),
            .seed("Mine, UXO and ERW mapping", SectionReference(7, 1)),
            .seed("Area-of-control and actor mapping", SectionReference(9, 6)),
        ],
        approaches: [
            .seed(
                "Situational monitoring of media, open sources and closed sources/informants", SectionReference(9, 6)),
            .seed("Incident reporting and mapping", SectionReference(9, 6)),
            .seed("Scenario-building for contingency planning", SectionReference(9, 6)),
            .seed("Geospatial mapping of parties to a conflict", SectionReference(9, 6)),
        ],
        tools: [
            .seed("Situation reports (sit reps) and incident maps", SectionReference(9, 6)),
            .seed("OCHA access monitoring and reporting framework", SectionReference(7, 1)),
            .seed("OCHA and DPKO conflict-analysis systems", SectionReference(7, 1)),
            .matrix("Security incident and risk management systems (e.g. UN security risk management tools)"),
            .matrix("Mine action information systems (e.g. IMSMA)"),
        ],
        outputs: [
            .seed("Context analysis (e.g. social network analysis, political economy analysis)", SectionReference(9, 6)),
            .seed("Conflict analysis", SectionReference(9, 6)),
            .seed("Situational monitoring (media, open sources, closed sources/informants)", SectionReference(9, 6)),
            .seed("Incident reporting/mapping (e.g. sit reps)", SectionReference(9, 6)),
            .seed("Security risk assessments (contingency scenarios, early warning analysis)", SectionReference(9, 6)),
            .seed("Area of control mapping/actor mapping", SectionReference(9, 6)),
            .seed("Monitoring of incidents and events that would influence access", SectionReference(9, 6)),
            .seed("Mapping the location of mines and UXO", SectionReference(9, 6)),
            .seed(
                "Access maps and the level of access for humanitarian actors, the affected population and government",
                SectionReference(9, 6)),
            .seed(
                "Cultural conditions that affect humanitarians' ability to implement programmes",
                SectionReference(9, 6)),
        ],
        shares: [
            ShareRule(
                id: "10.6.1", category: .securitySituationalAwareness, what: "Outcome level of the protection response",
                level: .aggregated, section: SectionReference(10, 6)),
            ShareRule(
                id: "10.6.2", category: .securitySituationalAwareness,
                what: "Impact, gaps, best practices and key advocacy messages from the protection response",
                level: .narrative, section: SectionReference(10, 6)),
            ShareRule(
                id: "10.6.3", category: .securitySituationalAwareness,
                what: "Detailed information on the protection response", level: .narrative,
                section: SectionReference(10, 6)),
        ],
        shareNotes: [
            Statement(
                "The seed lists protection-response items under this heading, apparently carried over from §10.5; "
                    + "pim records them as stated.", section: SectionReference(10, 6), source: .pimProject)
        ]
    )

    /// Sectoral IM Systems / Other (§7.3, §9.7, §10.7); its title and scope remain under review.
    public static let sectoralIMSystemsOther = PIMCategory(
        id: .sectoralIMSystemsOther,
        name: "Sectoral IM Systems / Other",
        aliases: [Alias("Sectoral Systems/Other", kind: .variant, section: SectionReference(9, 7))],
        definition: .seed(
            "Relevant secondary data and information related to the protection of individuals is systematically "
                + "shared between sectoral IM systems and other PIM systems.", SectionReference(7, 3)),
        explanation: [
            .seed(
                "Uses information from other sources, including proxy data, for a holistic analysis of protection "
                    + "needs, since protection is a responsibility of all sectors.", SectionReference(7, 3)),
            .seed(
                "Non-protection actors ask protection-related questions; where humanitarian space is limited, other "
                    + "sectors (e.g. health) may be the only source of protection information, to be read cautiously.",
                SectionReference(7, 3)),
            .seed(
                "No agreement yet on whether it is a category, a cross-cutting row, or both; title and scope remain "
                    + "under review.", SectionReference(7, 3)),
        ],
        status: .objectiveAgreedDefinitionNot,
        statusSection: SectionReference(7, 3),
        subCategoryExamples: [
            .seed("Shelter & NFIs", SectionReference(7, 3)),
            .seed("WASH", SectionReference(7, 3)),
            .seed("Education", SectionReference(7, 3)),
            .seed("Livelihoods", SectionReference(7, 3)),
            .seed("Health", SectionReference(7, 3)),
            .seed("Food security", SectionReference(7, 3)),
        ],
        approaches: [
            .seed("Indicator data gathered and managed by other sectors", SectionReference(7, 3)),
            .seed("Mainstreaming protection indicators into other sectors' data systems", SectionReference(7, 3)),
            .seed("Review of proxy data and proxy indicators", SectionReference(7, 3)),
            .matrix("Sectoral and multi-sector assessments with protection questions"),
        ],
        tools: [
            .seed("WFP proxy indicators", SectionReference(7, 3)),
            .seed("Fundamental Operational Data Sets (FODS)", SectionReference(10, 7)),
            .matrix("Sectoral information systems (e.g. health, education and food security monitoring systems)"),
        ],
        outputs: [
            .seed(
                "Secondary data on other information important to protection issues, needs or concerns, owned by "
                    + "the sector", SectionReference(9, 7)),
            .seed(
                "Proxy indicators from other sectors' information systems, agreed between sectoral and protection "
                    + "colleagues", SectionReference(9, 7)),
            .seed(
                "Specific protection indicators collected by other sectors' systems on behalf of the protection "
                    + "sector, which then owns the data", SectionReference(9, 7)),
        ],
        shares: [
            ShareRule(
                id: "10.7.1", category: .sectoralIMSystemsOther,
                what: "Distinguish data sharing within an organization from sharing with other agencies (internal/external)",
                level: .perAgreement, section: SectionReference(10, 7)),
            ShareRule(
                id: "10.7.2", category: .sectoralIMSystemsOther,
                what: "Agreed data-sharing protocols and analysis, especially when the protection sector owns the information",
                level: .perAgreement, section: SectionReference(10, 7)),
            ShareRule(
                id: "10.7.3", category: .sectoralIMSystemsOther,
                what: "Prioritizing and coordinating life-saving protection support by location, type and need",
                level: .aggregated, section: SectionReference(10, 7)),
            ShareRule(
                id: "10.7.4", category: .sectoralIMSystemsOther, what: "Fundamental Operational Data Sets (FODS)",
                level: .aggregated, section: SectionReference(10, 7)),
            ShareRule(
                id: "10.7.5", category: .sectoralIMSystemsOther,
                what: "Individual-level data for urgent or emergency cases, shared with key protection stakeholders through a protection referral",
                level: .personalForReferralWithConsent, section: SectionReference(10, 7)),
            ShareRule(
                id: "10.7.6", category: .sectoralIMSystemsOther,
                what: "Data the protection sector does not own: at least anonymised, ideally aggregated, unless a specific purpose needs individuals' information",
                level: .anonymised, section: SectionReference(10, 7)),
        ],
        shareNotes: [
            .seed("Respect the data-sharing protocols of the sector providing the information.", SectionReference(10, 7)),
            .seed("'Ownership' means control of data collection and processing.", SectionReference(9, 7)),
        ]
    )

    /// Communicating with Affected Communities, formerly "Communicating with Affected Populations" (§7.4, §9.8, §10.8).
    public static let communicatingWithAffectedCommunities = PIMCategory(
        id: .communicatingWithAffectedCommunities,
        name: "Communicating with Affected Communities",
        aliases: [
            Alias("Communicating with Affected Populations", kind: .formerName, section: SectionReference(7, 4)),
            Alias("Communication with Affected Communities", kind: .variant, section: SectionReference(7, 4)),
            Alias("CwC", kind: .variant, section: SectionReference(7, 4), source: .pimProject),
        ],
        definition: .seed(
            "Communication with, by and between communities and community members, to support community exchange, "
                + "access to services, feedback and complaints, transparency, monitoring and evaluation, "
                + "participation and empowerment, and leadership; both mainstreamed into other systems and a "
                + "distinct mechanism.", SectionReference(7, 4)),
        explanation: [
            .seed(
                "An emerging field resting on the idea that information is itself a form of aid that strengthens "
                    + "people's capacity to protect themselves; how people communicate matters as much as what.",
                SectionReference(7, 4)),
            .seed(
                "Communities are agents of their own recovery and should get the information they need through "
                    + "appropriate, trusted channels, in a fully participatory process.", SectionReference(7, 4)),
            .seed(
                "Open questions: how to collect and store what communities share safely, and the legal and "
                    + "logistical implications of technologies such as the Internet.", SectionReference(7, 4)),
        ],
        status: .separateCategoryAgreedDefinitionNot,
        statusSection: SectionReference(7, 4),
        subCategoryExamples: [
            .seed("Feedback and complaints mechanisms", SectionReference(7, 4)),
            .seed("Information provision on access to services", SectionReference(7, 4)),
            .seed("Community participation and leadership support", SectionReference(7, 4)),
            .matrix("Community radio and media development"),
        ],
        approaches: [
            .matrix("Information and communication needs assessments"),
            .matrix("Hotlines, SMS and call centres"),
            .matrix("Community meetings and perception surveys"),
            .matrix("Monitoring of social media and rumours"),
        ],
        tools: [
            .matrix("Feedback and complaints databases"),
            .matrix("Information ecosystem assessments"),
            .matrix("SMS and hotline platforms, community radio"),
            .matrix("Rumour tracking tools"),
        ],
        outputs: [
            .seed("Common sources of information within the communities", SectionReference(9, 8)),
            .seed("Appropriate communication channels within the context", SectionReference(9, 8)),
            .seed("Community capacities, resources, skills of the communities", SectionReference(9, 8)),
            .seed(
                "Local contextual information (e.g. cultural sensitivities, languages used by affected populations)",
                SectionReference(9, 8)),
            .seed("Priority information and needs of the affected populations", SectionReference(9, 8)),
            .seed("Live updates (situation analysis, political, logistics)", SectionReference(9, 8)),
        ],
        shares: [
            ShareRule(
                id: "10.8.1", category: .communicatingWithAffectedCommunities,
                what: "Situational awareness information that will not negatively impact an individual or compromise humanitarian corridors",
                level: .narrative, section: SectionReference(10, 8)),
            ShareRule(
                id: "10.8.2", category: .communicatingWithAffectedCommunities,
                what: "Non-disaggregated data by sector highlighting trends and needs by priority (at minimum emergency or urgent needs) and location",
                level: .nonDisaggregated, section: SectionReference(10, 8)),
        ],
        shareNotes: []
    )
}
