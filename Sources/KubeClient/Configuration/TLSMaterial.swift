import Foundation
import NIOSSL

/// Turns kubeconfig PEM text into NIOSSL objects, and every way that can fail into a problem naming the field.
///
/// All checks happen while resolving, before any connection: a CA that is not a certificate, a key that is
/// not a key, or a key that does not belong to its certificate are configuration errors (exit 3), not
/// mysterious handshake failures later.
public enum TLSMaterial {
    /// Parses a CA bundle (one or more certificates).
    public static func certificates(
        pem: [UInt8],
        field: String,
        source: String
    ) throws(KubeClientError)
        -> [NIOSSLCertificate]
    {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(pem)
        } catch {
            throw .invalidConfiguration(.init(source: source, field: field, problem: "is not a PEM certificate"))
        }
        guard !certificates.isEmpty else {
            throw .invalidConfiguration(
                .init(source: source, field: field, problem: "contains no PEM certificate (no BEGIN CERTIFICATE block)")
            )
        }
        return certificates
    }

    /// Parses a client certificate and key and checks that the key belongs to the certificate.
    public static func identity(
        certificatePEM: [UInt8],
        keyPEM: [UInt8],
        certificateField: String,
        keyField: String,
        source: String
    ) throws(KubeClientError) -> ClientIdentity {
        let chain = try certificates(pem: certificatePEM, field: certificateField, source: source)
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyPEM, format: .pem)
        } catch {
            throw .invalidConfiguration(
                .init(
                    source: source,
                    field: keyField,
                    problem: "is not a PEM private key (RSA PKCS#1, EC SEC1 or PKCS#8 expected)"
                )
            )
        }
        // BoringSSL refuses a key that does not match the leaf certificate when both go into one context.
        var probe = TLSConfiguration.makeClientConfiguration()
        probe.certificateChain = chain.map { .certificate($0) }
        probe.privateKey = .privateKey(key)
        do {
            _ = try NIOSSLContext(configuration: probe)
        } catch {
            throw .invalidConfiguration(
                .init(
                    source: source,
                    field: keyField,
                    problem: "does not match the client certificate in \(certificateField)"
                )
            )
        }
        return ClientIdentity(certificateChain: chain, privateKey: key)
    }

    /// Decodes a `*-data` field; kubectl accepts standard base64 (with or without padding, whitespace ignored).
    public static func base64(_ text: String, field: String, source: String) throws(KubeClientError) -> [UInt8] {
        var cleaned = text.filter { !$0.isWhitespace }
        let remainder = cleaned.count % 4
        if remainder == 2 { cleaned += "==" } else if remainder == 3 { cleaned += "=" }
        guard let data = Data(base64Encoded: cleaned) else {
            throw .invalidConfiguration(.init(source: source, field: field, problem: "is not valid base64"))
        }
        return Array(data)
    }
}
