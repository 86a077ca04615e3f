using System.Diagnostics;
using Tests.Common;

namespace Kernels.Tests.Cuda;

/// <summary>
/// Runs NVIDIA's PTX assembler on PTX text, the offline twin of the driver's JIT. Found at
/// <c>$ENGINE_PTXAS</c> (test.sh sets it) or at <c>.tools/cuda/usr/bin/ptxas</c> under the repository, which
/// <c>bash .ci/install-ptxas.sh</c> installs. Missing ptxas fails the test: the gate must not pass silently.
/// </summary>
internal static class Ptxas
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
            var installed = System.IO.Path.Combine(SharedFiles.RepoRoot, ".tools", "cuda", "usr", "bin", "ptxas");
            return File.Exists(installed)
                ? installed
                : throw new FileNotFoundException(
                    "ptxas not found: set ENGINE_PTXAS or run `bash .ci/install-ptxas.sh` in the repository.", installed);
        }
    }

    /// <summary>Assembles <paramref name="ptx"/> for <paramref name="arch"/> (e.g. sm_90); returns the exit code and ptxas's messages.</summary>
    public static (int ExitCode, string Output) Assemble(string ptx, string arch)
    {
        var directory = Directory.CreateTempSubdirectory("ptxas-");
        try
        {
            var input = System.IO.Path.Combine(directory.FullName, "kernel.ptx");
            File.WriteAllText(input, ptx);
            var start = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-arch=" + arch);
            start.ArgumentList.Add(input);
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(System.IO.Path.Combine(directory.FullName, "kernel.cubin"));
            using var process = Process.Start(start) ?? throw new InvalidOperationException("ptxas did not start.");
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                process.Kill();
                throw new TimeoutException("ptxas ran for over a minute.");
            }
            return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
