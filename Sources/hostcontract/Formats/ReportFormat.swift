import ArgumentParser
import Contract

/// The formats `check` writes; each is one function of the report's records.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json, junit, sarif, prometheus

    func render(_ report: Report, colour: Bool) -> String {
        switch self {
        case .text: TextReport(colour: colour).render(report)
        case .json: JSONReport.render(report)
        case .junit: JUnitReport.render(report)
        case .sarif: SARIFReport.render(report)
        case .prometheus: PrometheusReport.render(report)
        }
    }
}
