/// The unit directories of one host for a whole evaluation: each directory listed, each unit
/// file read, the search's name map built and each named unit loaded once, for every `[[unit]]`
/// entry (one search and one enablement over one ``UnitFileSystem``, made when the first entry
/// asks).
final class UnitDirectories {
    private let listing: any UnitDirectoryListing
    private let searchPath: UnitSearchPath
    private let underRoot: Bool
    private var fileSystem: UnitFileSystem?
    private var madeSearch: UnitSearch?
    private var madeEnablement: UnitEnablement?
    private var units: [String: UnitDefinition] = [:]

    init(listing: any UnitDirectoryListing, searchPath: UnitSearchPath = .debian12, underRoot: Bool) {
        self.listing = listing
        self.searchPath = searchPath
        self.underRoot = underRoot
    }

    private var files: UnitFileSystem {
        if let fileSystem { return fileSystem }
        let made = UnitFileSystem(listing)
        fileSystem = made
        return made
    }

    /// How the manager finds a unit (``UnitSearch``).
    var search: UnitSearch {
        if let madeSearch { return madeSearch }
        let made = UnitSearch(fileSystem: files, searchPath: searchPath)
        madeSearch = made
        return made
    }

    /// The unit `name` as the manager would load it (``UnitSearch/unit(_:)``), found and its
    /// files parsed once however many entries name it (the sample's web unit has four).
    func unit(_ name: String) -> UnitDefinition {
        if let known = units[name] { return known }
        let found = search.unit(name)
        units[name] = found
        return found
    }

    /// What `systemctl is-enabled` answers (``UnitEnablement``).
    var enablement: UnitEnablement {
        if let madeEnablement { return madeEnablement }
        let made = UnitEnablement(fileSystem: files, searchPath: searchPath, underRoot: underRoot)
        madeEnablement = made
        return made
    }
}
