import Crypto
import CryptoExtras
import Foundation
import SwiftASN1
import X509

/// The key algorithm of an issued client certificate.
public enum ClientKeyType: String, Sendable, CaseIterable {
    /// RSA 2048 (PKCS#1 `RSA PRIVATE KEY` PEM), what kubeadm issues.
    case rsa
    /// ECDSA P-256 (PKCS#8 `PRIVATE KEY` PEM), what many managed clusters issue.
    case ec
}

/// A certificate and its private key, in PEM.
public struct IssuedCertificate: Sendable, Hashable {
    /// The certificate (`-----BEGIN CERTIFICATE-----`).
    public var certificatePEM: String
    /// The private key.
    public var privateKeyPEM: String
}

/// A failure to create or parse certificates.
public struct PKIError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public var description: String
}

/// The simulator's own public-key infrastructure, generated in-process at start.
///
/// One CA signs the server certificate (SANs `localhost`, `127.0.0.1` and any extra names, so tests of
/// `tls-server-name` can use another name; or only the extra names, so a test can also show a wrong name
/// failing) and the client certificates tests ask for. Client certificates follow Kubernetes' convention:
/// the subject's CN is the user, each O is a group.
public struct SimulatorPKI: Sendable {
    /// The CA certificate in PEM: what a kubeconfig's `certificate-authority-data` holds.
    public let caCertificatePEM: String
    /// The server's certificate and key.
    public let server: IssuedCertificate
    let caCertificate: Certificate
    private let caKey: Certificate.PrivateKey

    /// Generates a CA and a server certificate valid for `localhost`, `127.0.0.1` and `extraServerNames`.
    ///
    /// With `includesLoopbackNames` false the certificate holds only `extraServerNames`: a client that
    /// connects to 127.0.0.1 must then name one of them (kubeconfig `tls-server-name`) to pass verification.
    public init(extraServerNames: [String] = [], includesLoopbackNames: Bool = true, now: Date = Date()) throws {
        guard includesLoopbackNames || !extraServerNames.isEmpty else {
            throw PKIError(
                description: "a server certificate without localhost and 127.0.0.1 needs at least one extra name"
            )
        }
        do {
            let key = P256.Signing.PrivateKey()
            let caKey = Certificate.PrivateKey(key)
            self.caKey = caKey
            let name = try DistinguishedName {
                CommonName("kube-sim-ca")
            }
            let caCertificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: caKey.publicKey,
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                    Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: caKey.publicKey)
                },
                issuerPrivateKey: caKey
            )
            self.caCertificate = caCertificate
            caCertificatePEM = try caCertificate.serializeAsPEM().pemString
            let serverKey = P256.Signing.PrivateKey()
            var names: [GeneralName] = []
            if includesLoopbackNames {
                names = [.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))]
            }
            for extra in extraServerNames where !(includesLoopbackNames && extra == "localhost") {
                names.append(.dnsName(extra))
            }
            let serverCertificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(serverKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(365 * 86400),
                issuer: name,
                subject: try DistinguishedName { CommonName("kube-apiserver") },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(names)
                },
                issuerPrivateKey: caKey
            )
            server = IssuedCertificate(
                certificatePEM: try serverCertificate.serializeAsPEM().pemString,
                privateKeyPEM: serverKey.pemRepresentation
            )
        } catch {
            throw PKIError(description: "cannot create the simulator's certificates: \(error)")
        }
    }

    /// Issues a client certificate for `user` in `groups`, signed by the CA.
    public func issueClientCertificate(
        user: String,
        groups: [String] = [],
        keyType: ClientKeyType = .ec,
        now: Date = Date()
    ) throws -> IssuedCertificate {
        do {
            let publicKey: Certificate.PublicKey
            let keyPEM: String
            switch keyType {
            case .rsa:
                let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
                publicKey = Certificate.PublicKey(key.publicKey)
                keyPEM = key.pemRepresentation
            case .ec:
                let key = P256.Signing.PrivateKey()
                publicKey = Certificate.PublicKey(key.publicKey)
                keyPEM = key.pemRepresentation
            }
            let subject = try DistinguishedName {
                for group in groups { OrganizationName(group) }
                CommonName(user)
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: publicKey,
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(365 * 86400),
                issuer: caCertificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.clientAuth])
                },
                issuerPrivateKey: caKey
            )
            return IssuedCertificate(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: keyPEM)
        } catch {
            throw PKIError(description: "cannot issue a client certificate for \(user): \(error)")
        }
    }

    /// The identity a client certificate proves, or nil when this CA did not sign it or it is not valid now.
    ///
    /// TLS accepts any client certificate (as kube-apiserver's `RequestClientCert` does) and this check
    /// decides, so a certificate from another CA gets a 401 `Status`, not a TLS alert.
    func identity(ofClientCertificateDER der: [UInt8], now: Date = Date()) -> Identity? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        guard certificate.issuer == caCertificate.subject,
            caCertificate.publicKey.isValidSignature(certificate.signature, for: certificate),
            certificate.notValidBefore <= now, now <= certificate.notValidAfter
        else { return nil }
        var user = ""
        var groups: [String] = []
        for relativeName in certificate.subject {
            for attribute in relativeName {
                if attribute.type == .RDNAttributeType.commonName, let text = String(attribute.value) { user = text }
                if attribute.type == .RDNAttributeType.organizationName, let text = String(attribute.value) {
                    groups.append(text)
                }
            }
        }
        guard !user.isEmpty else { return nil }
        return Identity(user: user, groups: groups + ["system:authenticated"])
    }
}
