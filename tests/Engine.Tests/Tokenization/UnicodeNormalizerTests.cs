using System.Text;
using Engine.Tokenization;

namespace Engine.Tests.Tokenization;

/// <summary>Expected strings are from Python's unicodedata.normalize (Unicode 14).</summary>
public sealed class UnicodeNormalizerTests
{
    [Theory]
    [InlineData("e\u0301", NormalizationForm.FormC, "\u00E9")]
    [InlineData("\u00E9", NormalizationForm.FormD, "e\u0301")]
    [InlineData("\u212B", NormalizationForm.FormC, "\u00C5")]
    [InlineData("A\u030A", NormalizationForm.FormC, "\u00C5")]
    [InlineData("\u1E0B\u0323", NormalizationForm.FormC, "\u1E0D\u0307")]
    [InlineData("q\u0307\u0323", NormalizationForm.FormC, "q\u0323\u0307")]
    [InlineData("\uFB01", NormalizationForm.FormKC, "fi")]
    [InlineData("\u00BD", NormalizationForm.FormKD, "1\u20442")]
    [InlineData("\uD55C\uAE00", NormalizationForm.FormD, "\u1112\u1161\u11AB\u1100\u1173\u11AF")]
    [InlineData("\u1112\u1161\u11AB", NormalizationForm.FormC, "\uD55C")]
    [InlineData("\u0041\u0308\u0301", NormalizationForm.FormC, "\u00C4\u0301")]
    [InlineData("\u00A0", NormalizationForm.FormKC, " ")]
    [InlineData("\u0958", NormalizationForm.FormC, "\u0915\u093C")]
    public void MatchesPythonUnicodedata(string input, NormalizationForm form, string expected) =>
        Assert.Equal(expected, UnicodeNormalizer.Normalize(input, form));
}
