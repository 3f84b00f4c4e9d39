/// A unit name as systemd validates and takes it apart (src/basic/unit-name.c, v252):
/// `prefix.type`, a template `prefix@.type` or an instance `prefix@instance.type`.
///
/// A name is valid when it is shorter than 256 bytes, its suffix after the last dot names a
/// ``UnitType``, it does not start with `@` or `.`, and every character before the suffix is
/// a letter, digit or one of `:-_.\@`.
public struct UnitName: Hashable, Sendable, CustomStringConvertible {
    /// What a name stands for: a plain unit, a template, or an instance of a template.
    public enum Form: Sendable { case plain, template, instance }

    public let text: String
    public let type: UnitType
    public let form: Form

    static let maximumLength = 256
    static let validCharacters = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:-_.\\".utf8)

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count < Self.maximumLength,
            let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot > 0,
            let type = UnitType(rawValue: String(decoding: bytes[(dot + 1)...], as: UTF8.self))
        else { return nil }
        var at: Int?
        for index in 0..<dot {
            let byte = bytes[index]
            if byte == UInt8(ascii: "@") {
                if at == nil { at = index }
            } else if !Self.validCharacters.contains(byte) {
                return nil
            }
        }
        if at == 0 { return nil }
        self.text = text
        self.type = type
        if let at { form = dot > at + 1 ? .instance : .template } else { form = .plain }
    }

    public var description: String { text }

    /// Everything before the first `@`, or before the suffix of a plain name (`%p`).
    public var prefix: String {
        let bytes = Array(text.utf8)
        let end = bytes.firstIndex(of: UInt8(ascii: "@")) ?? bytes.lastIndex(of: UInt8(ascii: "."))!
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// The instance of an instance name (`%i`), nil for plain names, empty for templates.
    public var instance: String? {
        guard form != .plain else { return nil }
        let bytes = Array(text.utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "@"))!
        let dot = bytes.lastIndex(of: UInt8(ascii: "."))!
        return String(decoding: bytes[(at + 1)..<dot], as: UTF8.self)
    }

    /// The name without its suffix (`%N`).
    public var prefixAndInstance: String {
        let bytes = Array(text.utf8)
        return String(decoding: bytes[..<bytes.lastIndex(of: UInt8(ascii: "."))!], as: UTF8.self)
    }

    /// The template this instance or template name belongs to (`foo@.service`), nil for plain names.
    public var template: UnitName? {
        guard form != .plain else { return nil }
        return UnitName("\(prefix)@.\(type.rawValue)")
    }

    /// This template (or instance) with `instance` put in, if the result is a valid instance name.
    public func replacingInstance(with instance: String) -> UnitName? {
        guard form != .plain, Self.isValidInstance(instance) else { return nil }
        guard let name = UnitName("\(prefix)@\(instance).\(type.rawValue)"), name.form == .instance else { return nil }
        return name
    }

    /// A unit name built from a prefix, an optional instance and a type, if valid
    /// (`unit_name_build_from_type`).
    public static func build(prefix: String, instance: String?, type: UnitType) -> UnitName? {
        guard isValidPrefix(prefix) else { return nil }
        if let instance {
            guard isValidInstance(instance) else { return nil }
            return UnitName("\(prefix)@\(instance).\(type.rawValue)").flatMap { $0.form == .instance ? $0 : nil }
        }
        return UnitName("\(prefix).\(type.rawValue)").flatMap { $0.form == .plain ? $0 : nil }
    }

    static func isValidPrefix(_ prefix: String) -> Bool {
        !prefix.isEmpty && prefix.utf8.allSatisfy { validCharacters.contains($0) }
    }

    static func isValidInstance(_ instance: String) -> Bool {
        !instance.isEmpty && instance.utf8.allSatisfy { validCharacters.contains($0) || $0 == UInt8(ascii: "@") }
    }

    /// Undoes systemd's unit name escaping: `-` becomes `/`, `\xNN` the byte NN
    /// (`unit_name_unescape`); nil for a malformed escape.
    public static func unescape(_ escaped: String) -> String? {
        let bytes = Array(escaped.utf8)
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "-") {
                result.append(UInt8(ascii: "/"))
            } else if byte == UInt8(ascii: "\\") {
                guard index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
                    let high = hexValue(bytes[index + 2]), let low = hexValue(bytes[index + 3])
                else { return nil }
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(byte)
            }
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Unescapes a name part that stands for a path (`unit_name_path_unescape`): `-` is `/`,
    /// anything else gets a leading slash and must be a normalized path.
    public static func unescapePath(_ escaped: String) -> String? {
        if escaped.isEmpty { return nil }
        if escaped == "-" { return "/" }
        guard let path = unescape(escaped), !path.hasPrefix("/"), !path.hasSuffix("/") else { return nil }
        let absolute = "/" + path
        let components = absolute.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        return absolute
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
