// Population Data and Protection Response Monitoring and Evaluation: endorsed in May 2015 (§7); definitions and
// matrix rows filled from the published PIM Matrix, outputs (§9) and shared data (§10) from the seed.

private let matrixSection = SectionReference(8)

extension PIMCategory {
    /// Population Data (§9.1, §10.1).
    public static let populationData = PIMCategory(
        id: .populationData,
        name: "Population Data",
        aliases: [
            Alias("Population Data Management", kind: .variant, section: matrixSection, source: .pimMatrix),
            Alias("Population Systems", kind: .variant, section: SectionReference(9, 1)),
        ],
        definition: .matrix(
            "Systems that obtain data on the number of persons in a population and their characteristics, "
                + "disaggregated by age, sex, location and other diversity considerations, at a given time.",
            matrixSection),
        explanation: [
            .seed(
                "Answers who and how many are affected, why they fled, and who is or is not receiving assistance.",
                SectionReference(10, 1))
        ],
        status: .endorsedMay2015,
        statusSection: SectionReference(7),
        subCategoryExamples: [
            .matrix("Registration (individual or household)"),
            .matrix("Profiling of displaced populations"),
            .matrix("Population estimation and counting"),
            .matrix("Displacement and population movement tracking, flow monitoring"),
            .matrix("Census and enumeration"),
        ],
        approaches: [
            .matrix("Individual or household registration"),
            .matrix("Headcounts and key informant estimates"),
            .matrix("Flow monitoring at transit points"),
            .matrix("Sample household surveys (profiling)"),
            .matrix("Remote sensing and satellite imagery"),
            .matrix("Review of census and administrative data"),
        ],
        tools: [
            .matrix("DTM (IOM Displacement Tracking Matrix)"),
            .matrix("Registration systems (e.g. proGres)"),
            .matrix("Profiling tools and guidance (e.g. JIPS)"),
            .matrix("Population movement tracking"),
            .matrix("Satellite imagery analysis"),
        ],
        outputs: [
            .seed(
                "Population figures or estimates, disaggregated by age, sex and location", SectionReference(9, 1))
        ],
        shares: [
            ShareRule(
                id: "10.1.1", category: .populationData, what: "Population figures (demographics of those affected)",
                level: .aggregated, section: SectionReference(10, 1)),
            ShareRule(
                id: "10.1.2", category: .populationData, what: "Date", level: .aggregated,
                section: SectionReference(10, 1)),
            ShareRule(
                id: "10.1.3", category: .populationData, what: "Location", level: .aggregated,
                section: SectionReference(10, 1)),
        ],
        shareNotes: [
            .seed(
                "Example questions: what are the causes of flight; who and how many are affected; who is receiving "
                    + "assistance and who is not.", SectionReference(10, 1))
        ]
    )

    /// Protection Response Monitoring and Evaluation (§9.5, §10.5).
    public static let protectionResponseMonitoringEvaluation = PIMCategory(
        id: .protectionResponseMonitoringEvaluation,
        name: "Protection Response Monitoring and Evaluation",
        aliases: [
            Alias("Protection Response M&E", kind: .variant, section: matrixSection, source: .pimProject)
        ],
        definition: .matrix(
            "Continuous review of the protection response to track progress against set objectives, and "
                + "assessment of its relevance, effectiveness, efficiency, impact and sustainability.", matrixSection),
        explanation: [
            .seed(
                "Its information feeds programme reports, factsheets, situation reports and humanitarian "
                    + "dashboards.", SectionReference(9, 5))
        ],
        status: .endorsedMay2015,
        statusSection: SectionReference(7),
        subCategoryExamples: [
            .matrix("Project and programme monitoring"),
            .matrix("Cluster or sector response monitoring (who does what where: 3W/4W/5W)"),
            .matrix("Post-distribution and outcome monitoring"),
            .matrix("Real-time, mid-term and final evaluations"),
        ],
        approaches: [
            .matrix("Indicator tracking and activity reporting"),
            .matrix("Field monitoring visits"),
            .matrix("Beneficiary feedback and satisfaction surveys"),
            .matrix("Evaluation methods (document review, interviews, surveys)"),
        ],
        tools: [
            .matrix("Results frameworks and logframes"),
            .matrix("3W/4W/5W matrices and response monitoring platforms (e.g. ActivityInfo)"),
            .matrix("Monitoring and evaluation plans"),
            .matrix("Humanitarian response plan monitoring dashboards"),
        ],
        outputs: [
            .seed(
                "Qualitative and quantitative data on the outputs and outcomes of the protection response",
                SectionReference(9, 5)),
            .seed(
                "Information on progress, the situation analysis, challenges and best practices",
                SectionReference(9, 5)),
        ],
        shares: [
            ShareRule(
                id: "10.5.1", category: .protectionResponseMonitoringEvaluation,
                what: "Output (performance) and outcome (impact) indicators, disaggregated by organization, geography, age group and sex",
                level: .aggregated, section: SectionReference(10, 5)),
            ShareRule(
                id: "10.5.2", category: .protectionResponseMonitoringEvaluation,
                what: "Detailed data and information on the impact, gaps and best practices of the protection response",
                level: .narrative, section: SectionReference(10, 5)),
            ShareRule(
                id: "10.5.3", category: .protectionResponseMonitoringEvaluation,
                what: "Direct feedback from communities on the protection response, key advocacy messages and detailed information on the response",
                level: .narrative, section: SectionReference(10, 5)),
        ],
        shareNotes: []
    )
}
