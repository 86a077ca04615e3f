using System.Diagnostics;
using Tests.Common;

namespace Kernels.Tests;

/// <summary>
/// Finds ptxas ($ENGINE_PTXAS, then &lt;repo&gt;/.tools/cuda/usr/bin/ptxas, then PATH) and assembles PTX with it.
/// Missing ptxas is a failure that says how to install it, never a skip.
/// </summary>
public static class Ptxas
{
    public static string Path
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("ENGINE_PTXAS");
            if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment))
            {
                return fromEnvironment;
            }
            var inRepo = System.IO.Path.Combine(SharedFiles.RepoRoot, ".tools", "cuda", "usr", "bin", "ptxas");
            if (File.Exists(inRepo))
            {
                return inRepo;
            }
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
            {
                var candidate = System.IO.Path.Combine(dir, "ptxas");
                if (dir.Length > 0 && File.Exists(candidate))
                {
                    return candidate;
                }
            }
            throw new InvalidOperationException(
                "ptxas not found: set ENGINE_PTXAS, or run `bash .ci/install-ptxas.sh` in the repository (installs .tools/cuda/usr/bin/ptxas).");
        }
    }

    /// <summary>Runs ptxas on the PTX; returns (exit code, stderr).</summary>
    public static (int ExitCode, string Output) Assemble(string ptx, string architecture)
    {
        var dir = Directory.CreateTempSubdirectory("ptxas");
        try
        {
            var input = System.IO.Path.Combine(dir.FullName, "kernel.ptx");
            File.WriteAllText(input, ptx);
            var info = new ProcessStartInfo(Path, ["-arch=" + architecture, "-o", System.IO.Path.Combine(dir.FullName, "kernel.cubin"), input])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(info)!;
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
