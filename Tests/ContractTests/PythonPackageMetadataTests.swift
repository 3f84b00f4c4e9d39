import Contract
import Testing

/// A distribution's METADATA read as Python's email parser reads it, on literals.
@Suite struct PythonPackageMetadataTests {
    @Test func readsNameAndVersionFromTheHeaders() throws {
        let metadata = PythonPackageMetadata(text: """
            Metadata-Version: 2.1
            Name: Torch
            Version: 2.3.1+cpu
            Summary: Tensors and Dynamic neural networks
            Requires-Dist: filelock
            Description-Content-Type: text/markdown

            Name: not-a-header
            Version: 9.9

            """)
        #expect(metadata.name == "Torch")
        #expect(metadata.versionText == "2.3.1+cpu")
        #expect(metadata.metadataVersion == "2.1")
        #expect(metadata.packageName == PythonPackageName("torch"))
        #expect(try #require(metadata.version).description == "2.3.1+cpu")
        #expect(metadata.problems.isEmpty)
    }

    @Test func headerNamesAnyCaseCRLFAndContinuations() {
        let metadata = PythonPackageMetadata(text: "metadata-version: 2.1\r\nNAME:\t python_dateutil\r\nversion:2.8.2  \r\nLicense: Dual\r\n  BSD\r\n\r\nbody")
        #expect(metadata.name == "python_dateutil")
        #expect(metadata.versionText == "2.8.2  ")
        #expect(metadata.version?.description == "2.8.2")
        #expect(metadata.packageName?.normalized == "python-dateutil")
    }

    @Test func theFirstOfTwoHeadersWinsAndProblemsAreNamed() {
        let metadata = PythonPackageMetadata(text: "Name: a\nName: b\nVersion: one\n")
        #expect(metadata.name == "a")
        #expect(metadata.version == nil)
        #expect(metadata.problems.map(\.description) == [
            "line 2: more than one 'Name' header; the first is used",
            "line 3: 'one' is not a PEP 440 version: a version starts with a number, such as '1.0' or 'v2'",
        ])
    }

    @Test func theHeadersEndAtTheFirstLineThatIsNoHeader() {
        let metadata = PythonPackageMetadata(text: "Name: a\nThis line has no colon\nVersion: 1.0\n")
        #expect(metadata.name == "a")
        #expect(metadata.versionText == nil)
        #expect(metadata.problems.map(\.message).contains("has no 'Version' header"))
        let empty = PythonPackageMetadata(text: "")
        #expect(empty.name == nil && empty.problems.count == 2)
    }
}
