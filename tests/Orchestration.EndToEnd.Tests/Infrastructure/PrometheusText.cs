using System.Text.RegularExpressions;

namespace Orchestration.EndToEnd.Tests.Infrastructure;

/// <summary>One sample of a scrape: metric name, labels as written, value.</summary>
public sealed record PrometheusSample(string Name, string Labels, double Value);

/// <summary>
/// The Prometheus text exposition format (0.0.4), strictly: every line is a <c># HELP</c>/<c># TYPE</c> comment, blank, or
/// a sample <c>name{labels} value [timestamp]</c>; anything else fails the parse with the line that broke it.
/// </summary>
public static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var (line, number) in text.Split('\n').Select((line, i) => (line, i + 1)))
        {
            if (line.Length == 0 || line == "# EOF")
                continue;
            if (line.StartsWith('#'))
            {
                Comment().IsMatch(line).ShouldBeTrue($"line {number} is a HELP or TYPE comment: {line}");
                continue;
            }

            var match = Sample().Match(line);
            match.Success.ShouldBeTrue($"line {number} is a sample: {line}");
            var value = match.Groups["value"].Value;
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                .ShouldBeTrue($"line {number} has a number for its value: {line}");
            samples.Add(new PrometheusSample(match.Groups["name"].Value, match.Groups["labels"].Value, parsed));
        }

        return samples;
    }

    [GeneratedRegex("""^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)|UNIT .*)$""")]
    private static partial Regex Comment();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>[^ ]+)( -?\d+)?$""")]
    private static partial Regex Sample();
}
