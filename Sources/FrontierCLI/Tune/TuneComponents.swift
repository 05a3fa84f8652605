import ArgumentParser
import Foundation
import FrontierOptimization
import FrontierStore

/// A sampler `frontier tune --sampler` can name.
enum TuneSamplerName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case tpe, random, grid, qmc, cmaes, gp, evolution

  /// A fresh sampler for `space`, seeded with `seed`.
  /// - Throws: `ValidationError` when the sampler cannot search `space` (e.g. a grid over a
  ///   continuous parameter without `--grid-points`).
  func make(seed: UInt64, space: SearchSpace, gridPoints: Int) throws -> any Sampler {
    switch self {
    case .cmaes: return CMAESSampler(seed: seed, restartStrategy: .ipop)
    case .gp: return GPSampler(seed: seed)
    case .tpe, .random, .grid, .qmc, .evolution:
      let algorithm = HPOAlgorithm(rawValue: rawValue)!
      do {
        return try algorithm.makeSampler(seed: seed, space: space, gridPoints: gridPoints)
      } catch {
        throw ValidationError("--sampler \(rawValue): \(error)")
      }
    }
  }
}

/// A pruner `frontier tune --pruner` can name.
enum TunePrunerName: String, ExpressibleByArgument, CaseIterable, Sendable {
  case none, median, sha, hyperband

  /// The pruner with Optuna's defaults: median stopping after 5 trials, asynchronous
  /// successive halving (reduction factor 4), Hyperband (reduction factor 3, brackets from
  /// the largest step seen).
  func make(seed: UInt64 = 0) throws -> any Pruner {
    do {
      switch self {
      case .none: return NopPruner()
      case .median: return try MedianPruner()
      case .sha: return try SuccessiveHalvingPruner()
      case .hyperband: return try HyperbandPruner(seed: seed)
      }
    } catch {
      throw ValidationError("--pruner \(rawValue): \(error)")
    }
  }
}

/// The storage `--storage` names when it is not given: a SQLite file in the working directory.
let defaultStorageURL = "sqlite:///frontier.db"

/// Opens the study storage named by `url` (FrontierStore's ``openStorage(_:)``: a SQLite file
/// created on first use, a PostgreSQL database, or `memory:`).
///
/// With `mustExist`, a SQLite file that does not exist is an error rather than a new empty
/// database (for `study list|show|export`, which only read).
/// - Throws: ``StudyStorageError/unavailable(url:reason:)`` naming the URL and what to do.
func openTuneStorage(_ url: String, mustExist: Bool = false) async throws -> any StudyStorage {
  if mustExist, case .sqlite(let path) = try StudyStorageURL(url), !FileManager.default.fileExists(atPath: path) {
    throw StudyStorageError.unavailable(
      url: url, reason: "no such file (frontier tune creates it; or pass --storage with the study's database)")
  }
  return try await openStorage(url)
}

/// Closes a storage that holds connections; a no-op for the others.
func closeTuneStorage(_ storage: any StudyStorage) async {
  await (storage as? any ClosableStudyStorage)?.close()
}

/// Loads a search space from a JSON or YAML file.
/// - Throws: ``InputError`` naming the file, line, column and reason.
func loadTuneSpace(path: String) throws(InputError) -> SearchSpace {
  do {
    return try SearchSpaceFile.load(path: path)
  } catch {
    throw InputError(file: error.file, line: error.line, column: error.column, error.reason)
  }
}
