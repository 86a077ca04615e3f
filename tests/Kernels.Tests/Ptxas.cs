using System.Diagnostics;
using Tests.Common;

namespace Kernels.Tests;

/// <summary>
/// Runs NVIDIA's PTX assembler on PTX text, the offline twin of the driver's JIT. Found at <c>$ENGINE_PTXAS</c>
/// (test.sh sets it), then <c>.tools/cuda/usr/bin/ptxas</c> under the repository (<c>bash .ci/install-ptxas.sh</c>
/// installs it), then PATH. Missing ptxas fails the test and says how to install it: the gate must not pass
/// silently. Server.Tests compiles this same file (linked) for the <c>engine kernels --dump-ptx</c> test.
/// </summary>
public static class Ptxas
{
    public static string Path
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("ENGINE_PTXAS");
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return File.Exists(fromEnvironment)
                    ? fromEnvironment
                    : throw new FileNotFoundException($"ENGINE_PTXAS points at {fromEnvironment}, which does not exist.");
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
            throw new FileNotFoundException(
                "ptxas not found: set ENGINE_PTXAS, or run `bash .ci/install-ptxas.sh` in the repository (installs .tools/cuda/usr/bin/ptxas).", inRepo);
        }
    }

    /// <summary>Assembles <paramref name="ptx"/> for <paramref name="architecture"/> (e.g. sm_90); returns the exit code and ptxas's messages.</summary>
    public static (int ExitCode, string Output) Assemble(string ptx, string architecture)
    {
        var directory = Directory.CreateTempSubdirectory("ptxas-");
        try
        {
            var input = System.IO.Path.Combine(directory.FullName, "kernel.ptx");
            File.WriteAllText(input, ptx);
            return AssembleFile(input, architecture, System.IO.Path.Combine(directory.FullName, "kernel.cubin"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Assembles the PTX file at <paramref name="input"/> into <paramref name="output"/>.</summary>
    public static (int ExitCode, string Output) AssembleFile(string input, string architecture, string output)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-arch=" + architecture);
        // -v: one "Function properties" block per entry (stack frame, spills, registers), which the gate reads.
        start.ArgumentList.Add("-v");
        start.ArgumentList.Add(input);
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(output);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ptxas did not start.");
        // Read stderr concurrently: a full pipe would block ptxas while we wait on stdout.
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill();
            throw new TimeoutException("ptxas ran for over a minute.");
        }
        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }
}
