using System.Text.RegularExpressions;

namespace RelationNeurons.Models;

/// <summary>
/// Turns a <c>--model</c> argument into a folder: an existing folder is taken as is; a Hub id
/// (<c>org/name</c>) is looked up in the local Hugging Face cache. Nothing is ever downloaded.
/// </summary>
public static partial class ModelLocator
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex HubIdPattern();

    /// <summary>The hub cache folder: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.</summary>
    public static string HubCacheDirectory()
    {
        string? hubCache = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        if (!string.IsNullOrEmpty(hubCache)) return hubCache;
        string? home = Environment.GetEnvironmentVariable("HF_HOME");
        if (!string.IsNullOrEmpty(home)) return Path.Combine(home, "hub");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface", "hub");
    }

    /// <summary>Resolves a folder or Hub id to an existing folder; throws <see cref="UserInputException"/> otherwise.</summary>
    public static string Resolve(string model) => Resolve(model, HubCacheDirectory());

    public static string Resolve(string model, string hubCache)
    {
        if (string.IsNullOrWhiteSpace(model)) throw new UserInputException("--model is empty; give a model folder or a Hub id such as meta-llama/Llama-2-7b-hf");
        if (Directory.Exists(model)) return Path.GetFullPath(model);
        if (!HubIdPattern().IsMatch(model))
            throw new UserInputException($"model folder '{model}' does not exist");

        string repo = Path.Combine(hubCache, "models--" + model.Replace("/", "--", StringComparison.Ordinal));
        string snapshots = Path.Combine(repo, "snapshots");
        if (!Directory.Exists(snapshots))
            throw new UserInputException($"model '{model}' is neither a folder nor in the local Hugging Face cache (looked for {snapshots}); nothing is downloaded");

        string refMain = Path.Combine(repo, "refs", "main");
        if (File.Exists(refMain))
        {
            string revision = File.ReadAllText(refMain).Trim();
            string pinned = Path.Combine(snapshots, revision);
            if (revision.Length > 0 && revision.IndexOfAny(['/', '\\']) < 0 && Directory.Exists(pinned)) return pinned;
        }
        var candidates = new DirectoryInfo(snapshots).GetDirectories();
        if (candidates.Length == 0)
            throw new UserInputException($"model '{model}': the cache folder {snapshots} holds no snapshot");
        // Without refs/main, the most recently written snapshot is the one the user fetched last.
        return candidates.OrderByDescending(d => d.LastWriteTimeUtc).ThenBy(d => d.Name, StringComparer.Ordinal).First().FullName;
    }
}
