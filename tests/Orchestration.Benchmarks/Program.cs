using Orchestration.Benchmarks;

// Measures the saga platform against the raw floors of its two servers; see scripts/bench.sh and BenchmarkSettings.Usage.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchmarkSettings.Usage);
    return 0;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

// The rent-run scenario: rent [--leases N] [--timeout S].
if (args is ["rent", .. var rent])
{
    var leases = 10_000;
    var timeout = TimeSpan.FromMinutes(20);
    for (var i = 0; i < rent.Length; i += 2)
    {
        var value = i + 1 < rent.Length ? int.Parse(rent[i + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (rent[i] == "--leases" && value > 0)
            leases = value;
        else if (rent[i] == "--timeout" && value > 0)
            timeout = TimeSpan.FromSeconds(value);
        else
            throw new ArgumentException($"The rent scenario takes --leases N and --timeout S, not '{string.Join(' ', rent)}'.");
    }

    return await new RentRunBenchmark(new Servers(), leases, timeout).RunAsync(step => Console.Error.WriteLine($"[bench] {step}"), cancellation.Token);
}

var settings = BenchmarkSettings.Parse(args);

var result = await new BenchmarkRun(settings, new Servers()).RunAsync(step => Console.Error.WriteLine($"[bench] {step}"), cancellation.Token);
Console.WriteLine(BenchmarkReport.Render(result, settings));
Console.WriteLine($"Results: {await BenchmarkReport.WriteAsync(result, settings.ResultsDirectory)}");
return result.Error is null ? 0 : 1;
