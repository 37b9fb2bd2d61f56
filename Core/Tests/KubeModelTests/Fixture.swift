import Foundation
import KubeModel
import Testing

/// Loads the JSON fixtures of `Fixtures/`, written in the shape a real API server returns.
enum Fixture {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "fixture \(name).json is not in the test bundle" }
    }

    static func data(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw Missing(name: name)
        }
        return try Data(contentsOf: url)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: data(name))
    }

    static func time(_ text: String) throws -> KubeTime {
        try #require(KubeTime(rfc3339: text))
    }
}
