namespace Bench.Common;

/// <summary>The suites' shared command-line and path helpers.</summary>
public static class BenchArgs
{
    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    public static string Arg(string[] args, string name, string fallback) => Arg(args, name) ?? fallback;

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or null.</summary>
    public static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The checkout's root (the folder holding Engine.sln above the running bench), else the current directory.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }

    /// <summary>A path under ../shared beside the checkout (fixtures, models).</summary>
    public static string Shared(params string[] parts) => Path.Combine([RepoRoot(), "..", "shared", .. parts]);
}
