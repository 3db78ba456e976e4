using Orchestration.Benchmarks;

// Measures the saga platform against the raw floors of its two servers; see scripts/bench.sh and BenchmarkSettings.Usage.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchmarkSettings.Usage);
    return 0;
}

var settings = BenchmarkSettings.Parse(args);
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var result = await new BenchmarkRun(settings, new Servers()).RunAsync(step => Console.Error.WriteLine($"[bench] {step}"), cancellation.Token);
Console.WriteLine(BenchmarkReport.Render(result, settings));
Console.WriteLine($"Results: {await BenchmarkReport.WriteAsync(result, settings.ResultsDirectory)}");
return result.Error is null ? 0 : 1;
