namespace Tests.Common;

/// <summary>
/// Locates <c>../shared</c> beside the repository root (the folder holding Engine.sln). Tests read models,
/// fixtures and specs there in place; when it is missing they fail with a message saying so, never skip.
/// </summary>
public static class SharedFiles
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Root
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            if (!Directory.Exists(dir))
            {
                throw new DirectoryNotFoundException(
                    $"../shared was not found beside the repository ({dir}); it holds the models and fixtures these tests read.");
            }
            return dir;
        }
    }

    /// <summary>A path under ../shared, e.g. <c>Path("fixtures", "llama2c", "aidreams260K-greedy.jsonl")</c>.</summary>
    public static string PathOf(params string[] parts)
    {
        var path = System.IO.Path.Combine([Root, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"Expected shared file is missing: {path}", path);
        }
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Engine.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"Engine.sln not found above {AppContext.BaseDirectory}.");
    }
}
