import CLinux
import Glibc

/// The machine this process runs on, as reports name it.
public enum Machine {
    /// The node name (what `uname -n` prints; the host name), or nil where uname fails. The
    /// corresponding C function is uname(2).
    public static func nodeName() -> String? {
        var names = utsname()
        guard uname(&names) == 0 else { return nil }
        let name = withUnsafeBytes(of: &names.nodename) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return name.isEmpty ? nil : name
    }
}
