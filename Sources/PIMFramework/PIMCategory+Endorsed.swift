// The five categories agreed and endorsed at the first PIM Working Meeting (May 2015) and not revisited in
// December 2015 (§7). Their definitions are not reproduced in the seed, so they are filled from the published
// PIM Matrix (source `.pimMatrix`), in pim's own words; outputs (§9) and shared data (§10) come from the seed.

private let matrixSection = SectionReference(8)

extension PIMCategory {
    /// Protection Monitoring (§9.3, §10.3); Human Rights was merged into it (§7.2).
    public static let protectionMonitoring = PIMCategory(
        id: .protectionMonitoring,
        name: "Protection Monitoring",
        aliases: [
            Alias("Human Rights", kind: .mergedCategory, section: SectionReference(7, 2)),
            Alias("Human Rights Monitoring", kind: .variant, section: SectionReference(7, 2)),
        ],
        definition: .matrix(
            "Systematic and regular collection, verification and analysis of information over an extended period "
                + "of time, to identify violations of rights and protection risks for populations of concern and "
                + "inform an effective response.", matrixSection),
        explanation: [
            .seed(
                "Human Rights is the legal framework in which monitoring starts; human-rights monitoring is a subset "
                    + "of protection monitoring, which is also action oriented.", SectionReference(7, 2)),
            .seed(
                "Can work at individual, household and community level, and can signal emerging issues that call "
                    + "for deeper assessment, advocacy or a programme response.", SectionReference(9, 3)),
        ],
        status: .endorsedMay2015,
        statusSection: SectionReference(7),
        subCategoryExamples: [
            .matrix("General protection monitoring (community or household level)"),
            .seed("Human rights monitoring (merged from the former Human Rights category)", SectionReference(7, 2)),
            .matrix("Border monitoring and return monitoring"),
            .matrix("Detention monitoring"),
            .matrix("Child protection monitoring, incl. the Monitoring and Reporting Mechanism on grave violations against children (MRM)"),
            .matrix("Monitoring, analysis and reporting arrangements on conflict-related sexual violence (MARA)"),
        ],
        approaches: [
            .matrix("Key informant interviews"),
            .matrix("Focus group discussions"),
            .matrix("Household and individual interviews"),
            .matrix("Direct observation and field visits"),
            .matrix("Community-based monitoring networks and incident reporting"),
            .matrix("Secondary data review"),
        ],
        tools: [
            .matrix("Protection monitoring tools and forms (checklists, questionnaires)"),
            .matrix("Incident monitoring systems and protection incident databases"),
            .matrix("Human rights monitoring and incident databases"),
            .matrix("MRM information management system"),
            .matrix("Mobile data collection (e.g. KoBo, ODK)"),
        ],
        outputs: [
            .seed(
                "Recurrent data and information on violations of rights, incidents and protection risks, and trends "
                    + "over time", SectionReference(9, 3)),
            .seed(
                "Data to identify trends and to track emerging protection or assistance needs, at individual, "
                    + "household and community level", SectionReference(9, 3)),
            .seed(
                "Early information on new or emerging protection issues, signalling the need for in-depth "
                    + "assessment, advocacy messages or a programme response", SectionReference(9, 3)),
        ],
        shares: [
            ShareRule(
                id: "10.3.1", category: .protectionMonitoring,
                what: "Trends on extremely vulnerable subsets of populations, highlighting immediate life-saving assistance or support",
                level: .aggregated, section: SectionReference(10, 3)),
            ShareRule(
                id: "10.3.2", category: .protectionMonitoring, what: "Information on protection trends",
                level: .aggregated, section: SectionReference(10, 3)),
            ShareRule(
                id: "10.3.3", category: .protectionMonitoring,
                what: "Individual, household or movement-related protection concerns and risks identified",
                level: .aggregated,
                note: "Shared as patterns of concern; an individual case goes through case management and referral.",
                section: SectionReference(10, 3)),
            ShareRule(
                id: "10.3.4", category: .protectionMonitoring,
                what: "Coping mechanisms of a population, loosely assessed from changes in the protection situation",
                level: .narrative, section: SectionReference(10, 3)),
            ShareRule(
                id: "10.3.5", category: .protectionMonitoring,
                what: "Changes in conflict dynamics affecting the issue the monitoring system tracks",
                level: .narrative, section: SectionReference(10, 3)),
            ShareRule(
                id: "10.3.6", category: .protectionMonitoring,
                what: "Effectiveness of informal justice mechanisms, inferred with case-management data",
                level: .narrative, section: SectionReference(10, 3)),
            ShareRule(
                id: "10.3.7", category: .protectionMonitoring,
                what: "Trends in protection issues affecting refugees and asylum-seekers (e.g. refoulement), read alongside population data",
                level: .aggregated, section: SectionReference(10, 3)),
        ],
        shareNotes: [
            .seed(
                "What to share depends largely on what the monitoring system was set up to identify or track.",
                SectionReference(10, 3))
        ]
    )

    /// Protection Needs Assessment (§9.2, §10.2).
    public static let protectionNeedsAssessment = PIMCategory(
        id: .protectionNeedsAssessment,
        name: "Protection Needs Assessment",
        aliases: [],
        definition: .matrix(
            "A data collection exercise, usually at a single point in time, to understand the protection issues, "
                + "available resources, sources of vulnerability and capacities of an affected population.",
            matrixSection),
        explanation: [
            .seed(
                "Should also consult and reference sectoral and other needs assessments.", SectionReference(7, 3))
        ],
        status: .endorsedMay2015,
        statusSection: SectionReference(7),
        subCategoryExamples: [
            .matrix("Rapid protection assessment"),
            .matrix("Multi-sector initial rapid assessment with a protection component"),
            .matrix("Child protection rapid assessment"),
            .matrix("Gender-based violence assessment"),
            .matrix("Participatory assessment (age, gender and diversity)"),
            .matrix("In-depth or thematic protection assessment"),
        ],
        approaches: [
            .matrix("Secondary data review"),
            .matrix("Key informant interviews"),
            .matrix("Focus group discussions and participatory methods"),
            .matrix("Household surveys"),
            .matrix("Direct observation"),
        ],
        tools: [
            .matrix("MIRA (Multi-Cluster/Sector Initial Rapid Assessment)"),
            .matrix("JNA (joint needs assessment)"),
            .matrix("CPRA (Child Protection Rapid Assessment) toolkit"),
            .matrix("UNHCR Tool for Participatory Assessment"),
            .matrix("Protection assessment questionnaires and mobile data collection (KoBo, ODK)"),
        ],
        outputs: [
            .seed(
                "An assessment of protection needs in a particular context at a given point in time",
                SectionReference(9, 2))
        ],
        shares: [
            ShareRule(
                id: "10.2.1", category: .protectionNeedsAssessment,
                what: "All anonymised information from protection needs assessments, shared with the humanitarian community",
                level: .anonymised, section: SectionReference(10, 2))
        ],
        shareNotes: []
    )

    /// Case Management (§9.4, §10.4); it includes the human-rights element of case management (§7.2).
    public static let caseManagement = PIMCategory(
        id: .caseManagement,
        name: "Case Management",
        aliases: [],
        definition: .matrix(
            "Systems that support protection and targeted interventions for identified individuals or groups by "
                + "managing the data of a specific case, from identification to closure.", matrixSection),
        explanation: [
            .seed(
                "Includes the human-rights element of case management (e.g. a human rights case management "
                    + "database).", SectionReference(7, 2)),
            .seed(
                "Its data can also be used to monitor protection trends among the persons it tracks.",
                SectionReference(9, 4)),
        ],
        status: .endorsedMay2015,
        statusSection: SectionReference(7),
        subCategoryExamples: [
            .matrix("Child protection case management"),
            .matrix("Gender-based violence case management"),
            .matrix("Case management of persons with specific needs"),
            .seed("Human rights case management", SectionReference(7, 2)),
            .matrix("Legal assistance, resettlement and durable-solutions case processing"),
        ],
        approaches: [
            .matrix("Individual interviews and case assessment"),
            .matrix("Registration of a case and follow-up visits"),
            .matrix("Inter-agency referral pathways"),
        ],
        tools: [
            .matrix("proGres (UNHCR registration and case management)"),
            .matrix("CPIMS / CPIMS+ (Primero) for child protection"),
            .matrix("GBVIMS / GBVIMS+ for gender-based violence"),
            .seed("Human rights case management database", SectionReference(7, 2)),
            .matrix("Inter-agency referral forms and standard operating procedures"),
        ],
        outputs: [
            .seed(
                "Data and information on the current or changing situation and needs of an individual, household or "
                    + "specific group, including their access to assistance or support", SectionReference(9, 4)),
            .seed(
                "Data to monitor protection trends among persons tracked in the system", SectionReference(9, 4)),
        ],
        shares: [
            ShareRule(
                id: "10.4.1", category: .caseManagement,
                what: "Population figures disaggregated by age and sex related to case management and its purpose",
                level: .aggregated, section: SectionReference(10, 4)),
            ShareRule(
                id: "10.4.2", category: .caseManagement,
                what: "Substantive information to help identify protection trends and human rights violations",
                level: .personalUnderSOPWithConsent,
                note: "Express and informed consent is required for the purpose of sharing.",
                section: SectionReference(10, 4)),
        ],
        shareNotes: [
            .seed(
                "The exchange of personal data depends on its use and on the SOPs between partners (anonymous "
                    + "versus personalised data).", SectionReference(10, 4))
        ]
    )
}
