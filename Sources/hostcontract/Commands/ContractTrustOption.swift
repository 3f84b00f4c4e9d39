import ArgumentParser
import Contract
import Provision

/// The escape from the trust rule for contracts, shared by the commands that act on a host.
struct ContractTrustOption: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Take the contract even if a user other than root can edit it or a directory above it (fixtures in temporary directories, image audits).",
        discussion: "As root, provision and gate otherwise refuse such a contract and check warns about it."))
    var allowUntrustedContract = false

    /// Why the contract must not be taken, or nil (not root, trusted, or allowed by the flag).
    func untrustedReason(_ path: String, consequence: String) -> String? {
        allowUntrustedContract ? nil : ContractFile.untrustedReason(path, consequence: consequence)
    }

    /// The same for the files the loaded contract includes.
    func untrustedInclude(of contract: Contract, consequence: String) -> String? {
        allowUntrustedContract ? nil : ContractFile.untrustedInclude(of: contract, consequence: consequence)
    }
}
