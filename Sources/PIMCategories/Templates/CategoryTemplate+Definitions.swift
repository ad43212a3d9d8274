import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

extension CategoryTemplate {
    /// §9.1: population figures by location, group, sex and age at a date, from a named source.
    public static let populationData = CategoryTemplate(
        category: .populationData, unit: "one population figure: a location and population group at a date, from one source",
        fields: ([
            // (Planning figures may be projections: a figure's date may be ahead.)
            .date("date", "Date the figure refers to", past: false), .admin(1), .admin(2),
            .choice("population_group", "Population group", hxl: "#population+type", .populationGroup),
            .text("source_org", "Source organisation (acronym)", hxl: "#org+source", required: true),
        ] as [TemplateField]) + TemplateField.sexAgeCounts("population", tag: "population", label: "Population")
            + [TemplateField.count("population_total", "Reported total (checked against the sum of the parts)", hxl: "#population+total", required: false)])

    /// §9.3: one reported protection incident or risk, typed with the GPC protection risks.
    public static let protectionMonitoring = CategoryTemplate(
        category: .protectionMonitoring, unit: "one reported protection incident",
        fields: [
            .text("report_id", "Report id (pseudonymous)", hxl: "#meta+id", role: .directIdentifier, unique: true),
            .date("date", "Date the incident occurred", hxl: "#date+occurred"), .admin(1), .admin(2),
            .choice("protection_risk", "Protection risk (GPC)", hxl: "#event+type", .protectionRisk, role: .sensitive),
            .choice("population_group", "Population group of those affected", hxl: "#population+type", .populationGroup, role: .quasiIdentifier),
            .sex, .ageGroup,
            .count("affected", "Persons affected", hxl: "#affected"),
            .org,
            // Optional detail of the incident (issue #6: GBVIMS type, perpetrator, source, verification).
            .choice("gbv_incident_type", "GBV incident type (GBVIMS), only for GBV incidents", hxl: "#x_gbv+type", .gbvIncidentType,
                    role: .sensitive, required: false),
            .choice("perpetrator", "Alleged perpetrator category", hxl: "#group+perpetrator", .perpetrator, role: .sensitive, required: false),
            .choice("source", "Source of the report", hxl: "#meta+source", .informationSource, required: false),
            .choice("verification", "Verification status", hxl: "#status+verification", .verificationStatus, required: false),
        ],
        // A GBV incident type belongs to a GBV incident only (the form then asks it only of them).
        rules: [.emptyWhen(field: "gbv_incident_type", when: "protection_risk", values: Taxonomy.protectionRisk.codes.filter { $0 != "gbv" })])

    /// §9.3's other half: one household or key-informant protection monitoring interview (monitoring "at the
    /// individual, household, and community level"), with the questions most monitoring tools share. Its
    /// output gives the share of interviews answering each question by area (``MonitoringResponses``).
    public static let monitoringResponses = CategoryTemplate(
        category: .protectionMonitoring, unit: "one household or key-informant monitoring interview",
        fields: [
            .text("interview_id", "Interview id (pseudonymous)", hxl: "#meta+id", role: .directIdentifier, required: true, unique: true),
            .date("date", "Interview date", hxl: "#date+interview"), .admin(1), .admin(2),
            .choice("respondent_type", "Respondent: a household, or a key informant speaking for the community", hxl: "#x_respondent+type",
                    .respondentType),
            .choice("population_group", "Population group", hxl: "#population+type", .populationGroup, role: .quasiIdentifier),
            .choice("respondent_sex", "Sex of respondent", hxl: "#x_sex+respondent", .sex, role: .quasiIdentifier),
            .choice("feels_unsafe", "Do people feel unsafe in this area?", hxl: "#indicator+unsafe", .yesNo),
            .choice("movement_restricted", "Is freedom of movement restricted?", hxl: "#indicator+movementrestricted", .yesNo),
            .choice("main_risk", "Main protection risk in the community (GPC)", hxl: "#indicator+mainrisk", .protectionRisk),
            .choice("services_accessible", "Can people reach the services they need?", hxl: "#indicator+servicesaccess", .yesNo,
                    required: false),
            .count("incidents_known", "Incidents the respondent knows of in the last month", hxl: "#indicator+incidents", required: false),
            .org,
        ], variant: "responses")

    /// §9.4: one case of a person with specific needs, with its status and referral.
    public static let caseManagement = CategoryTemplate(
        category: .caseManagement, unit: "one case (a person with specific needs)",
        fields: [
            .text("case_id", "Case number (pseudonymous)", hxl: "#meta+id", role: .directIdentifier, required: true, unique: true),
            .date("opened", "Date opened", hxl: "#date+start"),
            .date("closed", "Date closed", hxl: "#date+end", required: false),
            .admin(1), .admin(2), .sex, .ageGroup,
            .choice("specific_need", "Main specific need", hxl: "#x_specificneed", .specificNeed, role: .sensitive),
            .choice("gbv_incident_type", "GBV incident type (GBVIMS), only for GBV survivors", hxl: "#x_gbv+type", .gbvIncidentType,
                    role: .sensitive, required: false),
            .choice("status", "Case status", hxl: "#status", .caseStatus),
            .choice("referral_service", "Service referred to", hxl: "#service+referral", .service, required: false),
            .org,
            // Optional (issue #6): the case's unit, the age in years, a service provided, and consent per purpose as
            // collected (decisions that count for sharing are recorded with `pim consent`).
            .choice("case_unit", "Individual or household case", hxl: "#x_casetype", .caseUnit, required: false),
            TemplateField(Field(name: "age", label: "Age in years", hxl: "#x_age", type: .integer, role: .quasiIdentifier,
                                required: false, minimum: 0, maximum: 130)),
            .choice("service_provided", "Service provided", hxl: "#service+provided", .service, required: false),
            .choice("consent_services", "Consent to receive services", hxl: "#x_consent+services", .yesNo, required: false),
            .choice("consent_disclosure", "Consent to disclosure to other organisations", hxl: "#x_consent+disclosure", .yesNo,
                    required: false),
            .choice("consent_reporting", "Consent to use in reporting and statistics", hxl: "#x_consent+reporting", .yesNo,
                    required: false),
            .choice("consent_tracing", "Consent to tracing", hxl: "#x_consent+tracing", .yesNo, required: false),
        ],
        // A case's dates must agree with its status: caseload, closures per month and time to close read them.
        rules: [
            .dateNotAfter(field: "opened", other: "closed"),
            .requiredWhen(field: "closed", when: "status", values: ["closed"]),
            .emptyWhen(field: "closed", when: "status", values: ["open", "referred"]),
            // The age in years, when given, agrees with the age group the outputs count by (HXL's +children
            // are under 18, +elderly 60 and over, as the default age bands).
            .rangeWhen(field: "age", when: "age_group", values: ["children"], minimum: 0, maximum: 17),
            .rangeWhen(field: "age", when: "age_group", values: ["adults"], minimum: 18, maximum: 59),
            .rangeWhen(field: "age", when: "age_group", values: ["elderly"], minimum: 60, maximum: nil),
            // A GBV incident type belongs to a GBV survivor's case only.
            .emptyWhen(field: "gbv_incident_type", when: "specific_need", values: Taxonomy.specificNeed.codes.filter { $0 != "gbv-survivor" }),
        ])

    /// §9.2: one household interviewed in a protection needs assessment, with its sampling weight.
    public static let protectionNeedsAssessment = CategoryTemplate(
        category: .protectionNeedsAssessment, unit: "one household interview",
        fields: [
            .text("household_id", "Household id (pseudonymous)", hxl: "#meta+id", role: .directIdentifier, unique: true),
            .date("date", "Interview date"), .admin(1), .admin(2),
            .choice("population_group", "Population group", hxl: "#population+type", .populationGroup, role: .quasiIdentifier),
            .choice("respondent_sex", "Sex of respondent", hxl: "#x_sex+respondent", .sex, role: .quasiIdentifier),
            // A household cannot stand for more households than the world has: a larger weight is an entry error
            // (1e300 made every other household's share 0.0, and two of 1.797e308 overflowed the sums).
            TemplateField(Field(name: "weight", label: "Sampling weight (households represented)", hxl: "#x_weight", type: .decimal,
                                role: .weight, required: true, minimum: 0, maximum: Double(TemplateField.maximumCount))),
            .choice("feels_unsafe", "Do household members feel unsafe in this area?", hxl: "#indicator+unsafe", .yesNo),
            .choice("lacks_documents", "Does any member lack civil documentation?", hxl: "#indicator+nodocuments", .yesNo),
            .choice("separated_child", "Is a child of the household separated from the family?", hxl: "#indicator+separatedchild",
                    .yesNo, role: .sensitive),
            .choice("main_risk", "Main protection risk in the community (GPC)", hxl: "#indicator+mainrisk", .protectionRisk),
            .choice("priority_need", "First priority need", hxl: "#indicator+priorityneed", .priorityNeed),
        ])

    /// §9.5: persons targeted and reached by one organisation for one indicator in one location and month.
    public static let responseMonitoring = CategoryTemplate(
        category: .protectionResponseMonitoringEvaluation, unit: "one organisation's report for one indicator, location and month",
        fields: ([
            .date("date", "Reporting month (first day)"), .org, .admin(1), .admin(2),
            .choice("indicator", "Response indicator", hxl: "#indicator+code", .responseIndicator),
        ] as [TemplateField]) + TemplateField.sexAgeCounts("targeted", tag: "targeted", label: "Persons targeted")
            + TemplateField.sexAgeCounts("reached", tag: "reached", label: "Persons reached")
            // Optional (issue #6): the activity reported and the last day of the reporting period.
            + [.text("activity", "Activity (as in the 5W)", hxl: "#activity"),
               .date("period_end", "Last day of the reporting period", hxl: "#date+end", required: false, past: false)],
        // A reporting period cannot end before the month it reports starts (QA14).
        rules: [.dateNotAfter(field: "date", other: "period_end")])

    /// §9.6: one security incident, access constraint or explosive-hazard location. An access constraint is coded
    /// with an OCHA access variable and a severity, which only access constraints carry (QA11 C30: every incident
    /// had to invent one, and then raised its area's access severity).
    public static let securityAwareness = CategoryTemplate(
        category: .securitySituationalAwareness, unit: "one security incident, access constraint or explosive-hazard location",
        fields: [
            .text("incident_id", "Incident id", hxl: "#event+id", unique: true),
            .date("date", "Date of the incident", hxl: "#date+occurred"), .admin(1), .admin(2),
            .choice("incident_type", "Incident type", hxl: "#event+type", .securityIncidentType),
            .choice("access_variable", "OCHA access variable (1a-3c), for an access constraint", hxl: "#access+code", .accessVariable,
                    required: false),
            TemplateField(Field(name: "severity", label: "Severity of the access constraint (0 none - 3 severe, ACAPS scale)", hxl: "#severity",
                                type: .integer, required: false, minimum: 0, maximum: 3)),
            .count("casualties", "Casualties", hxl: "#affected+casualties", required: false),
            .org,
            // Optional (issue #6): actors, impact, whether aid workers were affected, and explosive-hazard locations.
            .choice("actor", "Actor responsible", hxl: "#group+actor", .securityActor, required: false),
            .choice("impact", "Impact on humanitarian operations", hxl: "#impact+type", .operationalImpact, required: false),
            .choice("aid_workers_affected", "Were aid workers or assets affected?", hxl: "#x_aidworkers", .yesNo, required: false),
            .choice("hazard_type", "Explosive hazard found (for hazard locations)", hxl: "#event+hazard", .explosiveHazard, required: false),
            TemplateField(Field(name: "latitude", label: "Latitude of the location (WGS 84)", hxl: "#geo+lat", type: .decimal,
                                role: .quasiIdentifier, required: false, minimum: -90, maximum: 90)),
            TemplateField(Field(name: "longitude", label: "Longitude of the location (WGS 84)", hxl: "#geo+lon", type: .decimal,
                                role: .quasiIdentifier, required: false, minimum: -180, maximum: 180)),
        ],
        // An access constraint has its severity.
        rules: [.requiredWhen(field: "severity", when: "access_variable", values: Taxonomy.accessVariable.codes)])

    /// §9.7: a proxy protection indicator measured by another sector, with the data's owner.
    public static let sectoralSystems = CategoryTemplate(
        category: .sectoralIMSystemsOther, unit: "one indicator value for one location and date",
        fields: [
            .date("date", "Date of measurement"), .admin(1), .admin(2),
            .choice("sector", "Sector that collected the data", hxl: "#sector", .sector),
            .choice("indicator", "Proxy indicator", hxl: "#indicator+code", .proxyIndicator),
            TemplateField(Field(name: "value", label: "Indicator value (percent)", hxl: "#indicator+value+pct", type: .decimal,
                                required: true, minimum: 0, maximum: 100)),
            .text("owner_org", "Organisation that owns the data", hxl: "#org+owner", required: true),
            .choice("ownership", "Who controls collection and processing", hxl: "#x_ownership", .ownership),
        ])

    /// §9.8: one piece of community feedback, with its channel, topic and whether it was answered.
    public static let communityFeedback = CategoryTemplate(
        category: .communicatingWithAffectedCommunities, unit: "one piece of feedback from the community",
        fields: [
            .text("feedback_id", "Feedback id", hxl: "#meta+id", role: .directIdentifier, unique: true),
            .date("received", "Date received", hxl: "#date+received"),
            .date("responded", "Date the response was given", hxl: "#date+responded", required: false),
            .admin(1), .admin(2),
            .choice("channel", "Channel", hxl: "#x_channel", .feedbackChannel),
            .choice("topic", "Topic", hxl: "#x_topic", .feedbackTopic, role: .sensitive),
            .choice("status", "Status", hxl: "#status", .openClosed),
            .sex, .ageGroup,
            // Optional (issue #6): priority and whether the feedback is sensitive (handled confidentially).
            .choice("priority", "Priority", hxl: "#x_priority", .feedbackPriority, required: false),
            .choice("sensitive", "Sensitive (to be handled confidentially)?", hxl: "#x_sensitive", .yesNo, required: false),
        ],
        // A response cannot come before the feedback: the response time would be negative.
        rules: [.dateNotAfter(field: "received", other: "responded")])
}
