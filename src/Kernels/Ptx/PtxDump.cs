namespace Kernels.Ptx;

/// <summary>Writes every catalogued kernel's PTX to a folder (what <c>engine kernels --dump-ptx DIR</c> calls).</summary>
public static class PtxDump
{
    /// <summary>
    /// Writes <c>Type.Method[_TypeArgs].ptx</c> per kernel instantiation of <paramref name="kernels"/> (default: this
    /// layer's <see cref="KernelCatalog"/>; higher layers pass their own catalogues too); returns the paths.
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, PtxTarget target, IEnumerable<CatalogKernel>? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (var kernel in kernels ?? KernelCatalog.All)
        {
            var path = Path.Combine(directory, KernelNames.FileNameOf(kernel.Method) + ".ptx");
            File.WriteAllText(path, PtxCompiler.Compile(kernel.Method, target));
            paths.Add(path);
        }
        return paths;
    }
}
