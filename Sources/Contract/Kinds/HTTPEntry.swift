import TOMLKit

/// `[[http]]`: a request the running host must answer as the contract says: the status, header
/// fields, the body, values inside a JSON body (`/demo/status` says `"demo_mode": false`), over
/// TLS verified against a CA file, with a client certificate, and whether the server refuses a
/// request that brings none (the hub's transfer endpoint). What the server sends back is read
/// with a bound and shown only as a short excerpt, and never for a `secret` entry; header
/// values the contract sends are never shown.
public struct HTTPEntry: Sendable, Hashable {
    /// A value a JSON body must hold at a key path.
    public enum JSONValue: Sendable, Hashable, CustomStringConvertible {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)

        public var description: String {
            switch self {
            case .string(let text): "\"\(text)\""
            case .integer(let number): String(number)
            case .float(let number): String(number)
            case .boolean(let flag): flag ? "true" : "false"
            }
        }

        /// Whether a JSON value is this one; numbers compare as numbers (1 is 1.0).
        func matches(_ node: ConfigNode) -> Bool {
            switch (self, node.value) {
            case (.string(let expected), .string(let found)): expected == found
            case (.boolean(let expected), .boolean(let found)): expected == found
            case (.integer(let expected), .integer(let text)): Int(text) == expected
            case (.integer(let expected), .float(let text)): Double(text) == Double(expected)
            case (.float(let expected), .integer(let text)), (.float(let expected), .float(let text)): Double(text) == expected
            default: false
            }
        }
    }

    public struct JSONRule: Sendable, Hashable {
        public var path: [String]
        public var value: JSONValue
    }

    public struct HeaderRule: Sendable, Hashable {
        public var name: String
        public var pattern: Pattern
    }

    public var context: EntryContext
    public var url: Template
    public var method: String
    /// Request header fields; their values may use secret variables and are never shown.
    public var requestHeaders: [(name: String, value: Template)]
    public var connectTo: Template?
    public var caFile: Template?
    public var clientCertificate: Template?
    public var clientKey: Template?
    public var timeoutMilliseconds: Int
    public var followRedirects: Bool
    /// Any of these statuses passes.
    public var status: [Int]
    public var header: [HeaderRule]
    public var body: [Pattern]
    public var json: [JSONRule]
    /// A request without the client certificate must be refused.
    public var clientCertificateRequired: Bool
    /// Nothing of the response is shown, not even an excerpt.
    public var secret: Bool

    public static func == (left: HTTPEntry, right: HTTPEntry) -> Bool {
        left.context == right.context && left.url == right.url && left.method == right.method
            && left.requestHeaders.map(\.name) == right.requestHeaders.map(\.name)
            && left.requestHeaders.map(\.value) == right.requestHeaders.map(\.value) && left.connectTo == right.connectTo
            && left.caFile == right.caFile && left.clientCertificate == right.clientCertificate && left.clientKey == right.clientKey
            && left.timeoutMilliseconds == right.timeoutMilliseconds && left.followRedirects == right.followRedirects
            && left.status == right.status && left.header == right.header && left.body == right.body && left.json == right.json
            && left.clientCertificateRequired == right.clientCertificateRequired && left.secret == right.secret
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(context)
        hasher.combine(url)
    }
}

extension HTTPEntry {
    static let keys = [
        "url", "method", "headers", "connect_to", "ca_file", "client_certificate", "client_key", "timeout",
        "follow_redirects", "status", "header", "body", "json", "client_certificate_required", "secret",
    ]
    static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    static let maximumTimeout = 120_000
    /// The most of a body read: enough for any health or status document.
    static let bodyLimit = 1 << 20
    /// Statuses that mean "refused for want of a client certificate": nginx answers 400 (its
    /// 496 "no certificate" is logged, 400 is sent), others 401, 403 or 495.
    static let refusalStatuses: Set<Int> = [400, 401, 403, 421, 495, 496]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> HTTPEntry? {
        let context = r.context(kind: .http, ordinal: ordinal)
        let url = r.template("url", required: true)
        var scheme: String? = nil
        if let url {
            switch checkURL(url) {
            case .success(let found): scheme = found
            case .failure(let problem): r.error("url", problem.message)
            }
        }
        let method = r.nonEmptyString("method") ?? "GET"
        if !methods.contains(method) {
            r.error("method", "'\(method)' is not one of \(methods.joined(separator: ", "))")
        }
        let requestHeaders = readRequestHeaders(r)
        let connectTo = r.template("connect_to")
        if let connectTo, connectTo.variables.isEmpty, !isConnectTarget(connectTo.source) {
            r.error("connect_to", "'\(connectTo.source)' is not HOST or HOST:PORT (e.g. '127.0.0.1', '[::1]:8443')")
        }
        let caFile = r.path("ca_file", required: false)
        let clientCertificate = r.path("client_certificate", required: false)
        let clientKey = r.path("client_key", required: false)
        if clientKey != nil, clientCertificate == nil {
            r.error("client_key", "a client key goes with a client_certificate")
        }
        if scheme == "http", let tlsKey = ["ca_file", "client_certificate", "client_certificate_required"].first(where: { r.table.contains(key: $0) }) {
            r.error(tlsKey, "\(tlsKey) is about TLS, and the url is http://; use https://")
        }
        var timeout = 5000
        if let text = r.nonEmptyString("timeout") {
            if let value = ConnectEntry.milliseconds(text), value > 0, value <= maximumTimeout {
                timeout = value
            } else {
                r.error("timeout", "'\(text)' is not a time between 1ms and 120s (e.g. \"5s\")")
            }
        }
        let status = readStatus(r)
        let json = readJSON(r)
        let body = r.regularExpressions("body", compiledBy: patterns)
        if method == "HEAD", let bodyKey = ["body", "json"].first(where: { r.table.contains(key: $0) }) {
            r.error(bodyKey, "a HEAD request has no body to check")
        }
        let entry = HTTPEntry(
            context: context, url: url ?? Template(literal: ""), method: method, requestHeaders: requestHeaders,
            connectTo: connectTo, caFile: caFile, clientCertificate: clientCertificate, clientKey: clientKey,
            timeoutMilliseconds: timeout, followRedirects: r.bool("follow_redirects") ?? false, status: status,
            header: readHeaderRules(r, patterns: patterns), body: body, json: json,
            clientCertificateRequired: r.bool("client_certificate_required") ?? false, secret: r.bool("secret") ?? false)
        if entry.refusalOnly, let answerKey = ["status", "header", "body", "json"].first(where: { r.table.contains(key: $0) }) {
            r.error(answerKey, "without a client_certificate only the refusal of a request without one is checked; give client_certificate and client_key to check the answer too")
        }
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return url == nil ? nil : entry
    }

    /// `client_certificate_required` without a certificate to send: the host cannot make the
    /// request the server accepts (a hub has no sender's certificate), only the one it refuses.
    var refusalOnly: Bool { clientCertificateRequired && clientCertificate == nil }

    /// The scheme of a URL a request can be made to: http or https, a host, no user or password
    /// in it (they would be shown with the URL; send them in an Authorization header).
    static func checkURL(_ url: Template) -> Result<String?, Template.SyntaxError> {
        let text = url.source
        guard let schemeEnd = text.firstRange(of: "://") else {
            if let first = url.segments.first, case .variable = first { return .success(nil) }
            return .failure(.init(message: "'\(text)' is not an http:// or https:// URL"))
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(.init(message: "'\(text)': only http:// and https:// URLs can be requested"))
        }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") {
            return .failure(.init(message: "the url carries a user name or password, which would be shown with it; send an Authorization header in 'headers' instead"))
        }
        if authority.isEmpty { return .failure(.init(message: "'\(text)' names no host")) }
        if text.contains(where: { $0.isWhitespace }) { return .failure(.init(message: "'\(text)' contains a blank; write it as %20")) }
        return .success(scheme)
    }

    /// `HOST` or `HOST:PORT`, an IPv6 address in brackets.
    static func isConnectTarget(_ text: String) -> Bool {
        if ConnectEntry.split(text) != nil { return true }
        if text.hasPrefix("["), text.hasSuffix("]"), text.count > 2 { return true }
        return !text.isEmpty && !text.contains(":") && !text.contains(where: { $0.isWhitespace || $0 == "/" })
    }

    /// `headers = { Authorization = "Bearer ${API_TOKEN}" }`: a value may use a secret variable,
    /// since it is sent and never shown.
    private static func readRequestHeaders(_ r: TableReader) -> [(name: String, value: Template)] {
        guard let raw = r.raw("headers") else { return [] }
        guard let table = raw.table else {
            r.error("headers", "expected a table of header fields, e.g. headers = { Accept = \"application/json\" }")
            return []
        }
        var headers: [(name: String, value: Template)] = []
        for (name, element) in table {
            guard isToken(name) else {
                r.error("headers", "'\(name)' is not a header field name")
                continue
            }
            guard let text = element.string, !text.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                r.error("headers", "\(name) must be a string on one line")
                continue
            }
            switch Template.parse(text) {
            case .failure(let problem): r.error("headers", problem.message)
            case .success(let template):
                // Sent, never shown: a secret variable may be named here as key_id_in names one.
                for variable in template.variables {
                    r.references.add(variable, line: r.line(of: "headers"), entry: r.label, key: "headers", isListing: true)
                }
                headers.append((name, template))
            }
        }
        return headers.sorted { $0.name < $1.name }
    }

    /// `status = 200` or `status = [200, 204]`; 200 when not given.
    private static func readStatus(_ r: TableReader) -> [Int] {
        guard let raw = r.raw("status") else { return [200] }
        let numbers: [Int]?
        if raw.type == .int, let number = raw.int {
            numbers = [number]
        } else if let array = raw.array, !array.isEmpty, array.allSatisfy({ $0.type == .int }) {
            numbers = array.compactMap(\.int)
        } else {
            numbers = nil
        }
        guard let numbers, numbers.allSatisfy({ (100...599).contains($0) }) else {
            r.error("status", "expected a status from 100 to 599, or an array of them, e.g. status = [200, 204]")
            return [200]
        }
        return numbers
    }

    /// `header = { "Content-Type" = "^application/json" }`: the field must be there and one of its
    /// values match.
    private static func readHeaderRules(_ r: TableReader, patterns: any PatternEngine) -> [HeaderRule] {
        guard let raw = r.raw("header") else { return [] }
        guard let table = raw.table else {
            r.error("header", "expected a table of header field patterns, e.g. header = { \"Content-Type\" = \"^application/json\" }")
            return []
        }
        var rules: [HeaderRule] = []
        for (name, element) in table {
            guard isToken(name) else {
                r.error("header", "'\(name)' is not a header field name")
                continue
            }
            guard let source = element.string else {
                r.error("header", "\(name) must be a regular expression as a string")
                continue
            }
            if let variable = TableReader.interpolation(in: source) {
                r.error("header", "'\(source)' uses ${\(variable)}, which a regular expression does not interpolate")
                continue
            }
            switch patterns.compile(source) {
            case .success(let compiled): rules.append(HeaderRule(name: name, pattern: Pattern(source: source, compiled: compiled)))
            case .failure(let problem): r.error("header", "'\(source)' is not a valid regular expression: \(problem)")
            }
        }
        return rules.sorted { $0.name < $1.name }
    }

    /// `json = { demo_mode = false, "db.ok" = true }`: a key is a dotted path into the body
    /// (array elements by index: `items.0.name`); a nested table is one level more.
    private static func readJSON(_ r: TableReader) -> [JSONRule] {
        guard let raw = r.raw("json") else { return [] }
        guard let table = raw.table else {
            r.error("json", "expected a table of values by key path, e.g. json = { demo_mode = false }")
            return []
        }
        var rules: [JSONRule] = []
        var pending: [(prefix: [String], table: TOMLTable)] = [([], table)]
        while let (prefix, current) = pending.popLast() {
            for (key, element) in current {
                let path = prefix + key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                if path.contains(where: \.isEmpty) {
                    r.error("json", "'\(key)' has an empty element")
                    continue
                }
                if let nested = element.table {
                    pending.append((path, nested))
                } else if element.type == .string, let text = element.string {
                    rules.append(JSONRule(path: path, value: .string(text)))
                } else if element.type == .int, let number = element.int {
                    rules.append(JSONRule(path: path, value: .integer(number)))
                } else if element.type == .double, let number = element.double {
                    rules.append(JSONRule(path: path, value: .float(number)))
                } else if element.type == .bool, let flag = element.bool {
                    rules.append(JSONRule(path: path, value: .boolean(flag)))
                } else {
                    r.error("json", "\(path.joined(separator: ".")) must be a string, a number or a boolean, found \(TableReader.describe(element))")
                }
            }
        }
        return rules.sorted { $0.path.lexicographicallyPrecedes($1.path) }
    }

    /// An HTTP token (RFC 9110): the characters a field name may have.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
        }
    }
}

extension Evaluation {
    func evaluate(_ entry: HTTPEntry) -> [CheckResult] {
        var url = entry.url.source
        var unresolved: String? = nil
        func resolved(_ template: Template?, _ key: String) -> String? {
            guard let template else { return nil }
            switch environment.resolve(template) {
            case .success(let text): return text
            case .failure(let missing):
                unresolved = unresolved ?? "\(key) depends on ${\(missing.variable)}, \(missing.reason)"
                return nil
            }
        }
        url = resolved(entry.url, "url") ?? url
        let request = HTTPExchange.Request(
            url: url, method: entry.method,
            headers: entry.requestHeaders.compactMap { field in
                // Sent only: the value, secret or not, never enters a message.
                switch field.value.resolve({ environment.value(of: $0) }) {
                case .success(let value): return "\(field.name): \(value)"
                case .failure(let missing):
                    unresolved = unresolved ?? "headers.\(field.name) depends on ${\(missing.variable)}, which has no value"
                    return nil
                }
            },
            connectTo: resolved(entry.connectTo, "connect_to"), caFile: resolved(entry.caFile, "ca_file").map(normalise),
            clientCertificate: resolved(entry.clientCertificate, "client_certificate").map(normalise),
            clientKey: resolved(entry.clientKey, "client_key").map(normalise),
            timeoutMilliseconds: entry.timeoutMilliseconds, followRedirects: entry.followRedirects, bodyLimit: HTTPEntry.bodyLimit)
        let subject = entry.method == "GET" ? url : "\(entry.method) \(url)"
        var recorder = Recorder(context: entry.context, subject: subject, skipReason: skipReason(entry.context) ?? unresolved)
        let checks: [(check: String, key: String)] = [("response", "url"), ("status", "status")]
            + (entry.header.isEmpty ? [] : [("header", "header")]) + (entry.body.isEmpty ? [] : [("body", "body")])
            + (entry.json.isEmpty ? [] : [("json", "json")])
            + (entry.clientCertificateRequired ? [("client_certificate_required", "client_certificate_required")] : [])
        guard recorder.skipReason == nil else {
            for (check, key) in entry.refusalOnly ? Array(checks.suffix(1)) : checks { recorder.skip(check, key: key, "") }
            return recorder.results
        }
        if entry.refusalOnly {
            checkClientCertificateRequired(entry, request, &recorder)
            return recorder.results
        }
        let response: HTTPExchange.Response
        switch host.exchange(request) {
        case .failure(let reason):
            for (check, key) in checks { recorder.skip(check, key: key, reason.description) }
            return recorder.results
        case .success(.failed(let failure)):
            let (said, actual, fix) = explain(failure, url: url, request: request)
            recorder.fail("response", key: "url", "no response from \(url): \(said)", expected: "a response", actual: actual, fix: fix)
            for (check, key) in checks.dropFirst() where check != "client_certificate_required" {
                recorder.skip(check, key: key, "no response to check")
            }
            if entry.clientCertificateRequired { checkClientCertificateRequired(entry, request, &recorder) }
            return recorder.results
        case .success(.response(let answer)):
            response = answer
        }
        recorder.pass("response", key: "url", "\(url) answered from \(response.address)", actual: response.address)
        // A request that sends a value not to be shown may be answered with it (an echo, an
        // error page quoting the request): its response is then shown no more than a secret's.
        let quiet = entry.secret || entry.requestHeaders.contains { $0.value.variables.contains { !environment.isPrintable($0) } }
        let excerpt = quiet ? "" : Self.excerpt(response.body)
        recorder.verify(
            "status", key: "status", entry.status.contains(response.status),
            pass: "\(url) answered \(response.status)",
            fail: "\(url) answered \(response.status), not \(entry.status.map(String.init).joined(separator: " or "))" + excerpt,
            expected: entry.status.map(String.init).joined(separator: " or "), actual: String(response.status),
            fix: ShellWords.decision("make \(url) answer \(entry.status.map(String.init).joined(separator: " or ")): the logs of the service behind it say why it answered \(response.status)"))
        if !entry.header.isEmpty { checkHeaders(entry, response, url: url, quiet: quiet, &recorder) }
        let text = String(decoding: response.body, as: UTF8.self)
        let cut = response.bodyCut ? " (the body is over \(HTTPEntry.bodyLimit >> 20) MiB; only its first MiB was read)" : ""
        if !entry.body.isEmpty {
            let missing = entry.body.filter { pattern in
                if case .match = pattern.compiled.search(text[...]) { return false }
                return true
            }
            recorder.verify(
                "body", key: "body", missing.isEmpty,
                pass: "the body of \(url) matches " + entry.body.map { "'\($0.source)'" }.joined(separator: ", "),
                fail: "the body of \(url) does not match " + missing.map { "'\($0.source)'" }.joined(separator: ", ") + cut + excerpt,
                expected: entry.body.map(\.source).joined(separator: "; "), actual: "\(response.body.count) bytes" + (quiet ? ", not shown" : ""),
                fix: ShellWords.decision("make \(url) answer what the contract expects, or correct the contract"))
        }
        if !entry.json.isEmpty { checkJSON(entry, text: text, cut: response.bodyCut, url: url, quiet: quiet, &recorder) }
        if entry.clientCertificateRequired { checkClientCertificateRequired(entry, request, &recorder) }
        return recorder.results
    }

    private func checkHeaders(_ entry: HTTPEntry, _ response: HTTPExchange.Response, url: String, quiet: Bool, _ recorder: inout Recorder) {
        var problems: [String] = []
        var unseen: [String] = []
        for rule in entry.header {
            let values = response.headers.filter { $0.name.lowercased() == rule.name.lowercased() }.map(\.value)
            if values.isEmpty {
                if response.headersCut { unseen.append(rule.name) } else { problems.append("no \(rule.name) field") }
            } else if !values.contains(where: { if case .match = rule.pattern.compiled.search($0[...]) { true } else { false } }) {
                let shown = quiet ? "" : ": " + values.map { "'\(Self.printable($0, limit: 80))'" }.joined(separator: ", ")
                problems.append("\(rule.name) does not match '\(rule.pattern.source)'\(shown)")
            }
        }
        let expected = entry.header.map { "\($0.name): \($0.pattern.source)" }.joined(separator: "; ")
        if problems.isEmpty, !unseen.isEmpty {
            // A field may be among those not kept: not proven missing.
            recorder.cannotEvaluate(
                "header", key: "header",
                "\(url) sent more than \(HTTPExchange.headerLimit) header fields; only the first were read, and \(unseen.joined(separator: ", ")) is not among them",
                expected: expected)
            return
        }
        recorder.verify(
            "header", key: "header", problems.isEmpty,
            pass: "the header fields of \(url) match the contract",
            fail: "\(url): " + problems.joined(separator: "; "),
            expected: expected,
            fix: ShellWords.decision("make the server of \(url) send the header fields the contract names"))
    }

    private func checkJSON(_ entry: HTTPEntry, text: String, cut: Bool, url: String, quiet: Bool, _ recorder: inout Recorder) {
        let expected = entry.json.map { "\($0.path.joined(separator: ".")) = \($0.value)" }.joined(separator: ", ")
        guard !cut else {
            recorder.cannotEvaluate("json", key: "json", "the body of \(url) is over \(HTTPEntry.bodyLimit >> 20) MiB: it was not read whole, so its JSON cannot be checked", expected: expected)
            return
        }
        let root: ConfigNode
        switch JSONConfigReader.read(text) {
        case .success(let node): root = node
        case .failure(let problem):
            let excerpt = quiet ? "" : Self.excerpt(Array(text.utf8))
            recorder.fail("json", key: "json", "the body of \(url) is not JSON (line \(problem.line): \(problem.message))" + excerpt,
                          expected: expected, actual: "not JSON",
                          fix: ShellWords.decision("make \(url) answer JSON, or request the URL that does"))
            return
        }
        var problems: [String] = []
        var found: [String] = []
        for rule in entry.json {
            let path = rule.path.joined(separator: ".")
            switch ConfigKeyPath.find(rule.path, in: root) {
            case .found(let node):
                let shown = quiet ? node.typeName : (node.scalarText.map { Self.printable($0, limit: 60) }.map { node.typeName == "string" ? "\"\($0)\"" : $0 } ?? node.typeName)
                found.append("\(path) = \(shown)")
                if !rule.value.matches(node) { problems.append("\(path) is \(shown), not \(rule.value)") }
            case .missing, .notContainer:
                found.append("\(path) missing")
                problems.append("\(path) is not in the body")
            }
        }
        recorder.verify(
            "json", key: "json", problems.isEmpty,
            pass: "the JSON body of \(url) holds \(expected)", fail: "the JSON body of \(url): " + problems.joined(separator: "; "),
            expected: expected, actual: found.joined(separator: ", "),
            fix: ShellWords.decision("make the service behind \(url) report \(expected) (its configuration or environment decides it)"))
    }

    /// Sends the request again without the client certificate: the server must refuse it, in the
    /// TLS handshake or with a 4xx status.
    private func checkClientCertificateRequired(_ entry: HTTPEntry, _ request: HTTPExchange.Request, _ recorder: inout Recorder) {
        var bare = request
        bare.clientCertificate = nil
        bare.clientKey = nil
        let fix = ShellWords.decision(
            "make the server of \(request.url) demand a client certificate (nginx: ssl_client_certificate CA-FILE; with ssl_verify_client on, or optional and the application refusing requests whose $ssl_client_verify is not SUCCESS)")
        switch host.exchange(bare) {
        case .failure(let reason):
            recorder.skip("client_certificate_required", key: "client_certificate_required", reason.description)
        case .success(.failed(.handshake(let detail))), .success(.failed(.nothingReceived(let detail))):
            recorder.pass("client_certificate_required", key: "client_certificate_required",
                          "without a client certificate the server ends the connection: \(detail)", actual: "refused in TLS")
        case .success(.response(let answer)):
            recorder.verify(
                "client_certificate_required", key: "client_certificate_required", HTTPEntry.refusalStatuses.contains(answer.status),
                pass: "without a client certificate the server answers \(answer.status)",
                fail: "without a client certificate the server answers \(answer.status): anyone reaching \(request.url) is served",
                expected: "refused without a client certificate", actual: "answered \(answer.status)", fix: fix)
        case .success(.failed(let failure)):
            let (said, actual, _) = explain(failure, url: request.url, request: bare)
            recorder.cannotEvaluate("client_certificate_required", key: "client_certificate_required",
                                    "cannot tell whether \(request.url) demands a client certificate: \(said)", actual: actual)
        }
    }

    /// What a failure means, its short form, and the fix.
    private func explain(_ failure: HTTPExchange.Failure, url: String, request: HTTPExchange.Request) -> (String, String, String) {
        let seconds = request.timeoutMilliseconds % 1000 == 0 ? "\(request.timeoutMilliseconds / 1000) s" : "\(request.timeoutMilliseconds) ms"
        switch failure {
        case .unresolved(let detail):
            return ("the name does not resolve (\(detail))", "not resolved",
                    ShellWords.decision("make the URL's host name resolve here, or give connect_to the address to use"))
        case .refused(let detail):
            return ("refused (\(detail)): nothing listens there", "refused",
                    ShellWords.decision("start the service that answers \(url), or correct the url"))
        case .unreachable(let detail):
            return ("no route (\(detail))", "unreachable", ShellWords.decision("make the host of \(url) reachable from here"))
        case .timedOut(let detail):
            return ("no answer within \(seconds) (\(detail))", "timed out",
                    ShellWords.decision("find why \(url) does not answer in time: the service, a firewall, the route"))
        case .untrustedServer(let detail):
            return ("the server's certificate does not verify (\(detail))", "untrusted certificate",
                    ShellWords.decision("give the server a certificate for its name signed by the CA in ca_file (or the system's store), or name the right ca_file"))
        case .handshake(let detail):
            return ("the TLS handshake failed (\(detail))", "TLS handshake failed",
                    ShellWords.decision(request.clientCertificate == nil
                        ? "if the server requires a client certificate, give client_certificate and client_key; else check its TLS setup"
                        : "make the server trust the client certificate's CA (nginx: ssl_client_certificate), or give a certificate it trusts"))
        case .localCertificate(let detail):
            return ("the client certificate, its key or the CA file cannot be used (\(detail))", "unusable certificate files",
                    ShellWords.decision("correct ca_file, client_certificate and client_key: they must be readable PEM files, the key matching the certificate"))
        case .nothingReceived(let detail):
            return ("the server closed the connection without answering (\(detail))", "nothing received",
                    ShellWords.decision("read the logs of the service behind \(url)"))
        case .failed(let detail):
            return (detail, "failed", ShellWords.decision("run curl -v on \(url) from this host and correct what it shows"))
        }
    }

    /// The body's beginning, printable, for a failure message: at most 120 characters.
    static func excerpt(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "; the body is empty" }
        let text = printable(String(decoding: body.prefix(480), as: UTF8.self), limit: 120)
        return "; the body begins: '\(text)'"
    }

    /// `text` with control characters as spaces, cut at `limit` characters (with "...").
    static func printable(_ text: String, limit: Int) -> String {
        var result = ""
        for character in text {
            if result.count == limit { return result + "..." }
            result.append(character.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7f } ? character : " ")
        }
        return result
    }
}
