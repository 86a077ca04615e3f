using Kernels.Ptx;

namespace Kernels.SelfTest;

/// <summary>Writes every catalogued kernel's PTX and IR to a folder (what <c>engine kernels --dump-ptx DIR</c> calls).</summary>
public static class KernelPtxDump
{
    /// <summary>Writes <c>ENTRY.ptx</c> and <c>ENTRY.ir</c> per kernel; returns the PTX paths.</summary>
    public static IReadOnlyList<string> Write(string directory, PtxTarget? target = null)
    {
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (var method in KernelCatalog.All)
        {
            var kernel = KernelCompiler.Compile(method, target);
            var path = Path.Combine(directory, kernel.EntryName + ".ptx");
            File.WriteAllText(path, kernel.Ptx);
            File.WriteAllText(Path.Combine(directory, kernel.EntryName + ".ir"), kernel.IrText);
            paths.Add(path);
        }
        return paths;
    }
}
