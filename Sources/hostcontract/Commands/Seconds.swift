import ArgumentParser

/// A duration on the command line: "90s", "2m", "500ms", "1h", or plain seconds.
struct Seconds: ExpressibleByArgument, Sendable {
    var value: Double

    init(_ value: Double) { self.value = value }

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(argument), factor = 1.0
        for (suffix, scale) in units where argument.hasSuffix(suffix) {
            number = argument.dropLast(suffix.count)
            factor = scale
            break
        }
        guard let amount = Double(number), amount.isFinite, amount >= 0, amount * factor <= 86_400 else { return nil }
        value = amount * factor
    }
}
