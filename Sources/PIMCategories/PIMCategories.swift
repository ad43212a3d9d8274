/// The eight PIM categories at work.
///
/// - Templates (``CategoryTemplate``): per category, the fields a system records, with HXL tags (HXL core
///   hashtags and attributes; `#x_` only where HXL has none), disclosure roles and closed value lists from
///   stated taxonomies (``Taxonomy``), as an empty CSV/HXL/XLSX file, an ``XLSForm`` or a `Schema`.
/// - Demo data (``DemoGenerator``): deterministic synthetic datasets for every template, all describing one
///   invented ``DemoWorld`` with a gazetteer.
/// - Outputs (``CategoryOutputs``): the §9 output of each category computed from a table laid out as its
///   template (``PopulationFigures``, ``MonitoringTrends``, ``Caseload``, ``NeedsShares``,
///   ``ResponseProgress``, ``SecurityAccess``, ``SectoralIndicators``, ``FeedbackSummary``), and the shareable
///   version under the §10 policy with small-cell suppression (``SharingPolicyTables``).
/// - Systems map and coverage (``InformationSystem``, ``CoverageReport``): which §11 needs are covered.
///
/// Everything here is pure and synchronous; the CLI reads and writes the store.
public enum PIMCategories {}
