using Loader.Llama2c;
using Loader.Safetensors;
using Spectre.Console;

namespace ConvertTool.Inspect;

/// <summary>
/// <c>convert inspect PATH</c>: lists the tensors of a safetensors file or checkpoint directory, or of a
/// llama2.c <c>.bin</c> checkpoint (every tensor in the file, legacy RoPE tables included, so the parameter
/// count is the file's float count; a shared classifier is not listed twice).
/// </summary>
public static class CheckpointInspection
{
    public static InspectionReport Run(string path)
    {
        if (File.Exists(path) && !path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            return InspectLlama2c(path);
        }
        using var checkpoint = SafetensorsCheckpoint.Open(path);
        var rows = checkpoint.Tensors
            .Select(t => new InspectedTensor(System.IO.Path.GetFileName(t.FilePath), t.Name, SafetensorsDtypes.HeaderName(t.Dtype), t.Shape, t.ElementCount, t.ByteLength))
            .ToList();
        return new InspectionReport(path, checkpoint.Files.Count > 1 ? $"safetensors ({checkpoint.Files.Count} shards)" : "safetensors", rows);
    }

    /// <summary>Writes the report as a table with a totals line.</summary>
    public static void Render(InspectionReport report, IAnsiConsole console)
    {
        var table = new Table().Title(Markup.Escape($"{report.Path} ({report.Format})"));
        table.AddColumn("tensor");
        table.AddColumn("dtype");
        table.AddColumn("shape");
        table.AddColumn(new TableColumn("elements").RightAligned());
        table.AddColumn(new TableColumn("bytes").RightAligned());
        var multiFile = report.Tensors.Select(t => t.File).Distinct().Count() > 1;
        foreach (var t in report.Tensors)
        {
            var name = Markup.Escape(t.Name) + (multiFile ? $" [grey]({Markup.Escape(t.File)})[/]" : "");
            table.AddRow(name, Markup.Escape(t.Dtype), Markup.Escape("[" + string.Join(", ", t.Shape) + "]"), t.Elements.ToString("N0"), t.Bytes.ToString("N0"));
        }
        console.Write(table);
        var byDtype = string.Join(", ", report.Tensors.GroupBy(t => t.Dtype).Select(g => $"{g.Key}: {g.Sum(t => t.Elements):N0}"));
        console.MarkupLineInterpolated($"{report.Tensors.Count} tensors, {report.ParameterCount:N0} parameters ({byDtype}), {report.TotalBytes:N0} bytes");
    }

    private static InspectionReport InspectLlama2c(string path)
    {
        using var checkpoint = Llama2cCheckpoint.Read(path);
        var c = checkpoint.Config;
        long dim = c.Dim, hidden = c.HiddenDim, kv = c.KvDim, q = (long)c.NHeads * c.HeadSize, layers = c.NLayers, vocab = c.VocabSize;
        var shapes = new List<(Llama2cTensorKind Kind, long[] Shape)>
        {
            (Llama2cTensorKind.TokenEmbedding, [vocab, dim]),
            (Llama2cTensorKind.RmsAtt, [layers, dim]),
            (Llama2cTensorKind.Wq, [layers, q, dim]),
            (Llama2cTensorKind.Wk, [layers, kv, dim]),
            (Llama2cTensorKind.Wv, [layers, kv, dim]),
            (Llama2cTensorKind.Wo, [layers, dim, q]),
            (Llama2cTensorKind.RmsFfn, [layers, dim]),
            (Llama2cTensorKind.W1, [layers, hidden, dim]),
            (Llama2cTensorKind.W2, [layers, dim, hidden]),
            (Llama2cTensorKind.W3, [layers, hidden, dim]),
            (Llama2cTensorKind.RmsFinal, [dim]),
        };
        if (checkpoint.HasRopeTables)
        {
            shapes.Add((Llama2cTensorKind.FreqCisReal, [c.SeqLen, c.HeadSize / 2]));
            shapes.Add((Llama2cTensorKind.FreqCisImag, [c.SeqLen, c.HeadSize / 2]));
        }
        if (!c.SharedClassifier)
        {
            shapes.Add((Llama2cTensorKind.Wcls, [vocab, dim]));
        }
        var file = System.IO.Path.GetFileName(path);
        var rows = shapes.Select(s =>
        {
            var elements = s.Shape.Aggregate(1L, (a, b) => a * b);
            return new InspectedTensor(file, s.Kind.ToString(), "F32", s.Shape, elements, elements * sizeof(float));
        }).ToList();
        var classifier = c.SharedClassifier ? "shared classifier" : "unshared classifier";
        return new InspectionReport(path, $"llama2.c v0, {classifier}, seq_len {c.SeqLen}", rows);
    }
}
