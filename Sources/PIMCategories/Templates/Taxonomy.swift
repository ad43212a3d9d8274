import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// The closed value lists the templates use, each from a stated, published taxonomy.
///
/// Values are short, stable, lower-case codes so that they survive spreadsheets and form tools; the
/// labels are for people. Every list is used as a field's `allowedValues` and as an XLSForm choice list.
public struct Taxonomy: Sendable, Hashable {
    /// The list's name, used as the XLSForm `list_name`.
    public let name: String
    /// Where the list comes from.
    public let source: String
    /// Codes and labels, in display order.
    public let values: [(code: String, label: String)]

    public init(name: String, source: String, values: [(code: String, label: String)]) {
        self.name = name
        self.source = source
        self.values = values
    }

    public var codes: [String] { values.map(\.code) }

    public static func == (a: Taxonomy, b: Taxonomy) -> Bool { a.name == b.name && a.codes == b.codes }
    public func hash(into h: inout Hasher) { h.combine(name); h.combine(codes) }
}

extension Taxonomy {
    /// Sex as recorded in humanitarian data (the HXL `+f`/`+m` disaggregation).
    public static let sex = Taxonomy(name: "sex", source: "HXL disaggregation attributes +f, +m", values: [
        ("female", "Female"), ("male", "Male"),
    ])

    /// Age groups matching the HXL attributes `+children` (0–17), `+adults` (18–59) and `+elderly` (60+).
    public static let ageGroup = Taxonomy(name: "age_group", source: "HXL attributes +children, +adults, +elderly", values: [
        ("children", "Children (0-17)"), ("adults", "Adults (18-59)"), ("elderly", "Older persons (60+)"),
    ])

    /// Population groups of a displacement situation.
    public static let populationGroup = Taxonomy(
        name: "population_group", source: "HXL attributes +idps, +refugees, +returnees, +hostcommunity",
        values: [("idps", "Internally displaced persons"), ("refugees", "Refugees and asylum-seekers"),
                 ("returnees", "Returnees"), ("host-community", "Host community")])

    /// The 15 protection risks of the Global Protection Cluster (2021).
    public static let protectionRisk = Taxonomy(name: "protection_risk", source: "Global Protection Cluster, 15 protection risks (2021)", values: [
        ("abduction-detention", "Abduction, kidnapping, enforced disappearance, arbitrary or unlawful arrest and/or detention"),
        ("attacks-on-civilians", "Attacks on civilians and other unlawful killings, and attacks on civilian objects"),
        ("child-family-separation", "Child and forced family separation"),
        ("child-marriage", "Child, early or forced marriage"),
        ("discrimination", "Discrimination and stigmatization, denial of resources, opportunities, services and/or humanitarian access"),
        ("disinformation", "Disinformation and denial of access to information"),
        ("forced-recruitment", "Forced recruitment and association of children in armed forces and groups"),
        ("gbv", "Gender-based violence"),
        ("legal-identity-justice", "Impediments and/or restrictions to access to legal identity, remedies and justice"),
        ("mines-explosive-ordnance", "Presence of mine and other explosive ordnance"),
        ("psychological-abuse", "Psychological/emotional abuse or inflicted distress"),
        ("property-eviction", "Theft, extortion, forced eviction or destruction of personal property"),
        ("torture", "Torture or cruel, inhuman, degrading treatment or punishment"),
        ("trafficking-forced-labour", "Trafficking in persons, forced labour or slavery-like practices"),
        ("movement-restrictions", "Unlawful impediments or restrictions to freedom of movement, siege and forced displacement"),
    ])

    /// The six core incident types of the GBV Information Management System (GBVIMS).
    public static let gbvIncidentType = Taxonomy(name: "gbv_incident_type", source: "GBVIMS, six core incident types", values: [
        ("rape", "Rape"), ("sexual-assault", "Sexual assault"), ("physical-assault", "Physical assault"),
        ("forced-marriage", "Forced marriage"), ("denial-of-resources", "Denial of resources, opportunities or services"),
        ("psychological-abuse", "Psychological / emotional abuse"),
    ])

    /// Specific-needs categories of persons, after UNHCR's specific needs codes.
    public static let specificNeed = Taxonomy(name: "specific_need", source: "UNHCR specific needs categories (proGres)", values: [
        ("child-at-risk", "Child at risk"), ("unaccompanied-separated-child", "Unaccompanied or separated child"),
        ("woman-at-risk", "Woman at risk"), ("older-person-at-risk", "Older person at risk"),
        ("disability", "Disability"), ("serious-medical-condition", "Serious medical condition"),
        ("gbv-survivor", "Survivor of gender-based violence"), ("torture-survivor", "Survivor of torture"),
        ("legal-physical-protection", "Specific legal and physical protection needs"),
    ])

    /// Case status in a case-management system.
    public static let caseStatus = Taxonomy(name: "case_status", source: "Case management workflow (open, referred, closed)", values: [
        ("open", "Open"), ("referred", "Referred, follow-up ongoing"), ("closed", "Closed"),
    ])

    /// Services a case is referred to (a referral pathway).
    public static let service = Taxonomy(name: "service", source: "Inter-agency referral pathway service types", values: [
        ("health", "Health"), ("mhpss", "Mental health and psychosocial support"), ("legal", "Legal assistance"),
        ("documentation", "Civil documentation"), ("shelter", "Shelter"), ("education", "Education"),
        ("livelihoods", "Livelihoods"), ("cash", "Cash assistance"), ("safe-shelter", "Safe shelter / safe house"),
    ])

    /// The eight variables of OCHA's humanitarian access monitoring and reporting framework (§7.1).
    public static let accessVariable = Taxonomy(name: "access_variable", source: "OCHA access monitoring and reporting framework, variables 1a-3c (§7.1)", values: [
        ("1a", "Impediments to entry into country"), ("1b", "Restriction of movement"),
        ("1c", "Violence against personnel, facilities and assets"), ("2a", "Denial of needs or entitlements"),
        ("2b", "Restriction and obstruction of access to aid"), ("3a", "Active hostilities"),
        ("3b", "Presence of mines and improvised explosive devices"), ("3c", "Physical environment"),
    ])

    /// Security incident types for situational monitoring.
    public static let securityIncidentType = Taxonomy(name: "security_incident_type", source: "Security incident categories (ACLED-style event types, simplified)", values: [
        ("armed-clash", "Armed clash"), ("shelling-airstrike", "Shelling or airstrike"), ("explosive-device", "Mine, UXO or IED"),
        ("checkpoint-obstruction", "Checkpoint or road obstruction"), ("bureaucratic-impediment", "Bureaucratic impediment"),
        ("violence-against-aid", "Violence against aid personnel or assets"), ("looting", "Looting or diversion of aid"),
        ("civil-unrest", "Civil unrest"), ("natural-hazard", "Natural hazard, terrain or weather"),
    ])

    /// Humanitarian sectors (IASC clusters).
    public static let sector = Taxonomy(name: "sector", source: "IASC cluster approach", values: [
        ("education", "Education"), ("health", "Health"), ("wash", "Water, sanitation and hygiene"),
        ("shelter", "Shelter / NFI"), ("food-security", "Food security"), ("nutrition", "Nutrition"),
        ("cccm", "Camp coordination and camp management"), ("livelihoods", "Early recovery and livelihoods"),
    ])

    /// Proxy protection indicators collected by other sectors (§9.7).
    public static let proxyIndicator = Taxonomy(name: "proxy_indicator", source: "Proxy protection indicators agreed with sectors (§9.7)", values: [
        ("children-out-of-school-pct", "% of school-age children not attending school"),
        ("unsafe-latrines-pct", "% of sites where women report latrines unsafe"),
        ("no-birth-registration-pct", "% of newborns without birth registration"),
        ("child-labour-pct", "% of households reporting child labour"),
        ("eviction-threat-pct", "% of households under threat of eviction"),
        ("unlit-sites-pct", "% of sites without lighting at night"),
    ])

    /// Who controls collection and processing of sectoral data (§9.7 note).
    public static let ownership = Taxonomy(name: "ownership", source: "PIM §9.7: ownership means control of collection and processing", values: [
        ("sector", "Owned by the sector"), ("protection", "Owned by the protection sector"),
    ])

    /// Protection response indicators (activities counted as persons reached).
    public static let responseIndicator = Taxonomy(name: "response_indicator", source: "Protection cluster response indicators (persons reached)", values: [
        ("case-management", "Persons receiving case management"), ("pss", "Persons receiving psychosocial support"),
        ("legal-assistance", "Persons receiving legal assistance"), ("awareness", "Persons reached by awareness sessions"),
        ("gbv-response", "GBV survivors receiving response services"),
    ])

    /// Feedback channels of a community feedback mechanism.
    public static let feedbackChannel = Taxonomy(name: "channel", source: "Community feedback and response mechanism channels", values: [
        ("hotline", "Hotline"), ("help-desk", "Help desk"), ("community-meeting", "Community meeting"),
        ("suggestion-box", "Suggestion box"), ("sms", "SMS / messaging"), ("face-to-face", "Face to face with staff"),
    ])

    /// Feedback topics, after the IASC feedback categorisation.
    public static let feedbackTopic = Taxonomy(name: "topic", source: "IASC collective feedback categories (simplified)", values: [
        ("information-request", "Request for information"), ("assistance-request", "Request for assistance"),
        ("complaint-quality", "Complaint about quality of assistance"), ("complaint-access", "Complaint about access or exclusion"),
        ("sensitive", "Sensitive complaint (referred confidentially)"), ("appreciation", "Appreciation"), ("other", "Other"),
    ])

    /// Open or closed, for feedback loops.
    public static let openClosed = Taxonomy(name: "open_closed", source: "Feedback loop status", values: [
        ("open", "Open"), ("closed", "Closed, response given"),
    ])

    /// Who is alleged to have committed an incident, in the broad categories protection and GBV reporting use.
    public static let perpetrator = Taxonomy(name: "perpetrator", source: "Alleged perpetrator categories (after GBVIMS and MRM reporting, simplified)", values: [
        ("state-armed-forces", "State armed or security forces"), ("non-state-armed-group", "Non-state armed group"),
        ("police", "Police or law enforcement"), ("intimate-partner", "Intimate partner"), ("family-member", "Other family member"),
        ("community-member", "Community member"), ("unknown", "Unknown"), ("other", "Other"),
    ])

    /// How a monitoring report was obtained.
    public static let informationSource = Taxonomy(name: "information_source", source: "Protection monitoring information sources", values: [
        ("key-informant", "Key informant"), ("household-interview", "Household interview"), ("survivor-witness", "Survivor or witness"),
        ("direct-observation", "Direct observation"), ("community-group", "Community group discussion"), ("secondary-data", "Secondary data"),
    ])

    /// Whether a reported incident was verified.
    public static let verificationStatus = Taxonomy(name: "verification_status", source: "Verification status (MRM practice)", values: [
        ("reported", "Reported, not yet verified"), ("verified", "Verified"), ("not-verified", "Could not be verified"),
    ])

    /// Whether a case is one person or a household.
    public static let caseUnit = Taxonomy(name: "case_unit", source: "Case unit (individual or household)", values: [
        ("individual", "Individual"), ("household", "Household"),
    ])

    /// Who was behind a security incident.
    public static let securityActor = Taxonomy(name: "security_actor", source: "Actors in security incidents (ACLED-style actor types, simplified)", values: [
        ("state-forces", "State forces"), ("non-state-armed-group", "Non-state armed group"), ("criminal", "Criminals"),
        ("community", "Community members or protesters"), ("unknown", "Unknown"),
    ])

    /// What a security incident or access constraint did to humanitarian operations.
    public static let operationalImpact = Taxonomy(name: "operational_impact", source: "Impact on humanitarian operations", values: [
        ("none", "No impact"), ("delayed", "Activities delayed"), ("suspended", "Activities suspended"),
        ("relocated", "Staff relocated"), ("assets-lost", "Assets lost or damaged"), ("casualties", "Staff or beneficiaries harmed"),
    ])

    /// Kinds of explosive hazard, for hazard locations.
    public static let explosiveHazard = Taxonomy(name: "explosive_hazard", source: "Explosive ordnance types (IMAS terminology, simplified)", values: [
        ("landmine", "Landmine"), ("uxo", "Unexploded ordnance"), ("ied", "Improvised explosive device"),
        ("contaminated-area", "Suspected or confirmed hazardous area"),
    ])

    /// How urgently a piece of feedback needs an answer.
    public static let feedbackPriority = Taxonomy(name: "feedback_priority", source: "Feedback priority levels", values: [
        ("low", "Low"), ("medium", "Medium"), ("high", "High"), ("urgent", "Urgent (safety or life-saving)"),
    ])

    /// Yes or no.
    public static let yesNo = Taxonomy(name: "yes_no", source: "Yes/no", values: [("yes", "Yes"), ("no", "No")])

    /// Who answered a protection monitoring interview (§9.3: monitoring at the household and community level).
    public static let respondentType = Taxonomy(name: "respondent_type", source: "Protection monitoring respondent types", values: [
        ("household", "Household interview"), ("key-informant", "Key informant interview (speaks for the community)"),
    ])

    /// Priority needs of a household.
    public static let priorityNeed = Taxonomy(name: "priority_need", source: "Multi-sector needs assessment priority needs", values: [
        ("food", "Food"), ("shelter", "Shelter"), ("health", "Health"), ("protection", "Protection / safety"),
        ("education", "Education"), ("water", "Water"), ("livelihoods", "Livelihoods"), ("documentation", "Documentation"),
    ])
}
