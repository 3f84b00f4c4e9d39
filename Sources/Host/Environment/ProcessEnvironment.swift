import CLinux
import Glibc

/// The environment of this process, as the application started by the gate will see it.
public enum ProcessEnvironment {
    /// Every NAME=value of environ(7).
    public static func current() -> [String: String] {
        var values: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                values[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return values
    }
}
