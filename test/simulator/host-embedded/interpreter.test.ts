import { describe, expect, it } from 'vitest';
import { cleanedUpRunner, type runScript } from '../helpers.js';

const runTracked = cleanedUpRunner();
const run = (script: string, options: Parameters<typeof runScript>[1] = {}) => runTracked(script, { tenants: [], ...options });

describe('the PowerShell subset', () => {
  it('handles literals, quoting rules, interpolation and here-strings', async () => {
    const r = await run(String.raw`
$name = 'it''s'
$smart = 'it’’s ‘‘quoted’’'
Write-Output $name
Write-Output $smart
$n = 3
Write-Output "n=$n len=$($name.Length) tab:` + '`t' + String.raw`| q=""x"" bt=` + '``' + String.raw`"
$here = @'
raw $n 'quoted'
'@
Write-Output $here
$exp = @"
n is $n
"@
Write-Output $exp
Write-Output ([string](1 + 2 * 3))
Write-Output (10 % 4)
Write-Output ("a" + 1)
`);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(["it's", 'it’s ‘quoted’', 'n=3 len=4 tab:\t| q="x" bt=`', "raw $n 'quoted'", 'n is 3', '7', '2', 'a1']);
  });

  it('supports arrays, hashtables, casts, members, methods and static calls', async () => {
    const r = await run(String.raw`
$a = @(1, 2, 3)
$a += 4
$list = [System.Collections.Generic.List[object]]::new()
$list.Add('x')
$list.Add('y')
$h = [ordered]@{ B = 1; A = 'two' }
$h.C = $true
$o = [pscustomobject]@{ Name = 'n'; Items = $a }
Write-Output "$($a.Count) $($list.Count) $($h.Count) $($o.Items[-1]) $($h['a'])"
Write-Output ([guid]'4E3188C6-39F5-4387-ADC7-B355B6B852C8').ToString()
Write-Output ([Math]::Max(2, [Math]::Min(9, 5)))
Write-Output ([Math]::Pow(2, 10))
Write-Output ('  Mixed  '.Trim().ToLower())
Write-Output ([int]'42' + 1)
Write-Output ([bool]0)
Write-Output ([string]::IsNullOrEmpty($null))
$g = [guid]::NewGuid()
Write-Output ($g.ToString() -match '^[0-9a-f-]{36}$')
Write-Output ([DateTime]::UtcNow.ToString('o') -like '20*Z')
Write-Output ([array]'one').Count
`);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['4 2 3 4 two', '4e3188c6-39f5-4387-adc7-b355b6b852c8', '5', '1024', 'mixed', '43', 'False', 'True', 'True', 'True', '1']);
  });

  it('compares case-insensitively and filters with comparison operators', async () => {
    const r = await run(String.raw`
Write-Output ('ABC' -eq 'abc')
Write-Output ('abc' -ne 'ABC')
Write-Output ('Lara@Contoso.com' -like '*@contoso.COM')
Write-Output ('x500:/o=a' -match '^X500:')
Write-Output (@('a','B') -contains 'b')
Write-Output ('c' -notin @('a','b'))
Write-Output ((1,2,3,4) -gt 2).Count
Write-Output (-not $false -and !$false -or $false)
Write-Output (2 -lt 10)
Write-Output ('2' -lt '10')
Write-Output ($null -eq $null)
`);
    expect(r.stdout.split('\n')).toEqual(['True', 'False', 'True', 'True', 'True', 'True', '2', 'True', 'True', 'False', 'True']);
  });

  it('runs control flow, functions with named and positional arguments, and script blocks', async () => {
    const r = await run(String.raw`
function Join-Parts {
  param([string]$Left, [string]$Right = 'R', [scriptblock]$Then)
  $joined = "$Left-$Right"
  if ($Then) { & $Then $joined } else { $joined }
}
Write-Output (Join-Parts -Left 'a' -Right 'b')
Write-Output (Join-Parts 'x')
Write-Output (Join-Parts -L 'p' -Then { param($value) "then:$value" })
$total = 0
foreach ($i in 1..10) {
  if ($i -eq 3) { continue }
  if ($i -gt 5) { break }
  $total += $i
}
Write-Output $total
$k = 0
while ($true) { $k++; if ($k -ge 4) { break } }
for ($j = 0; $j -lt 3; $j++) { $k += 10 }
Write-Output $k
if ($k -eq 1) { 'one' } elseif ($k -eq 34) { 'thirty-four' } else { 'other' }
`);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['a-b', 'x-R', 'then:p-R', '12', '34', 'thirty-four']);
  });

  it('keeps a CR written as `r in double-quoted strings, and drops only the CRLF before a here-string ends', async () => {
    // PowerShell 7.6.9: 13, 4, 2, 13, 2, then 14 and 12 for the here-strings of a CRLF file.
    const lines = [
      'Write-Output ([int][char]("`r"))',
      'Write-Output ("a`r`nb").Length',
      "$s = \"`r\" + 'x'",
      'Write-Output $s.Length',
      'Write-Output ([int][char]$s[0])',
      '$a = "x"',
      'Write-Output ("$a`r").Length',
      '$h = @"',
      'line1',
      'line2 $a',
      '"@',
      'Write-Output $h.Length',
      '$h2 = @"',
      'line1',
      'line2',
      '"@',
      'Write-Output $h2.Length',
    ];
    const r = await run(lines.join('\r\n') + '\r\n');
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['13', '4', '2', '13', '2', '14', '12']);
  });

  it('outputs nothing for a pipeline without output: return (& $Call), (…), $(…) and a variable assigned from them', async () => {
    // Every expected value is PowerShell 7.6.9's (PowerShell #9997: `return (& {})` returns nothing).
    const r = await run(String.raw`
function F {
  param([scriptblock]$Call)
  return (& $Call)
}
function Nothing {
}
Write-Output @(F { }).Count
Write-Output @(F { Nothing } | ForEach-Object { [string]$_ }).Count
Write-Output @(F { $null }).Count
Write-Output @(F { 'a' } | ForEach-Object { [string]$_ }).Count
Write-Output @((& {})).Count
Write-Output @($(& {})).Count
$x = (& {})
Write-Output "$(@($x).Count) $($null -eq $x) [$x]"
$y = Nothing
Write-Output @($y | ForEach-Object { 'item' }).Count
$w = F { }
Write-Output @($w).Count
$z = $null
Write-Output "$(@($z).Count) $(@($z | ForEach-Object { 'item' }).Count)"
Write-Output @((& {}), 1).Count
$v = [void]1
Write-Output @($v).Count
$n = $null
$n += (& {})
Write-Output @($n).Count
[int]$i = (& {})
Write-Output $i
`);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['0', '0', '1', '1', '0', '0', '0 True []', '0', '0', '1 1', '2', '1', '1', '0']);
  });

  it('pipes through ForEach-Object, Where-Object, Select-Object, Sort-Object and Measure-Object', async () => {
    const r = await run(String.raw`
$people = @(
  [pscustomobject]@{ Name = 'b'; Size = 2 },
  [pscustomobject]@{ Name = 'a'; Size = 5 },
  [pscustomobject]@{ Name = 'c'; Size = 1 }
)
$people | Where-Object { $_.Size -gt 1 } | Sort-Object Name | ForEach-Object { $_.Name } | Write-Output
$people | Sort-Object -Property Size -Descending | Select-Object -First 1 -ExpandProperty Name
($people | Measure-Object -Property Size -Sum).Sum
($people | Measure-Object).Count
$people | Select-Object 'Name', @{ Name = 'Double'; Expression = { $_.Size * 2 } } | ConvertTo-Json -Compress
$people | Select-Object @{ n = 'N'; e = { $_.Name.ToUpper() } } | ForEach-Object { $_.N }
$count = 0
$people | ForEach-Object { $count++ }
$count
`);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['a', 'b', 'a', '8', '3', '[{"Name":"b","Double":4},{"Name":"a","Double":10},{"Name":"c","Double":2}]', 'B', 'A', 'C', '3']);
  });

  it('writes ConvertTo-Json as PowerShell 7 does, and reads ConvertFrom-Json', async () => {
    const r = await run(String.raw`
$o = [ordered]@{ Name = 'x'; List = @('a', 'b'); Empty = @(); Nested = @{ Deep = @{ Deeper = 1 } }; Flag = $false; Nothing = $null }
$o | ConvertTo-Json -Depth 5
ConvertTo-Json -InputObject @() -Compress
$back = '{"a":{"b":[1,2]},"c":"d"}' | ConvertFrom-Json
Write-Output $back.a.b[1]
Write-Output $back.c
`);
    expect(r.stdout).toBe(
      [
        '{',
        '  "Name": "x",',
        '  "List": [',
        '    "a",',
        '    "b"',
        '  ],',
        '  "Empty": [],',
        '  "Nested": {',
        '    "Deep": {',
        '      "Deeper": 1',
        '    }',
        '  },',
        '  "Flag": false,',
        '  "Nothing": null',
        '}',
        '[]',
        '2',
        'd',
      ].join('\n'),
    );
  });

  it('truncates JSON beyond -Depth with PowerShell\'s warning (on stdout, as pwsh 7.6 prints it)', async () => {
    const r = await run(`@{ a = @{ b = @{ c = 1 } } } | ConvertTo-Json -Compress\n@{ a = @{ b = @{ c = @{ d = 1 } } } } | ConvertTo-Json -Compress\n@(1, @(2, @(3, @(4)))) | ConvertTo-Json -Compress\n@{ v = "a$([char]0x85)b$([char]0x2028)c$([char]0x2029)" } | ConvertTo-Json -Compress`);
    expect(r.stdout).toBe(
      [
        '{"a":{"b":{"c":1}}}',
        'WARNING: Resulting JSON is truncated as serialization has exceeded the set depth of 2.',
        '{"a":{"b":{"c":"System.Collections.Hashtable"}}}',
        'WARNING: Resulting JSON is truncated as serialization has exceeded the set depth of 2.',
        '[1,[2,[3,"4"]]]',
        '{"v":"a\\u0085b\\u2028c\\u2029"}',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
  });

  it('prints an uncaught error as pwsh 7.6.9 does when output is not a console: 80 columns, the line cut, the message wrapped', async () => {
    const r = await run(`$x = 1\nthrow ("lorem ipsum dolor sit amet " * 5) # padding padding padding padding padding padding\n`);
    expect(r.stderr).toBe(
      [
        `Exception: ${'<file>'}:2`,
        'Line |',
        '   2 |  throw ("lorem ipsum dolor sit amet " * 5) # padding padding padding p …',
        '     |  ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~',
        '     | lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor',
        '     | sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet',
      ].join('\n').replace('<file>', r.stderr.slice('Exception: '.length, r.stderr.indexOf(':2'))),
    );
    expect(r.exitCode).toBe(1);
  });

  it('catches terminating errors with the error record in $_ and runs finally', async () => {
    const r = await run(String.raw`
try { throw 'boom' } catch { Write-Output "caught $($_.Exception.Message) $($_.ToString())" } finally { Write-Output 'finally' }
try { $null.Foo() } catch { Write-Output $_.FullyQualifiedErrorId }
try { Write-Error 'bad' -ErrorAction Stop } catch { Write-Output "stop: $_" }
Write-Error 'visible' -ErrorAction SilentlyContinue
Write-Output 'after'
`);
    expect(r.stdout.split('\n')).toEqual(['caught boom boom', 'finally', 'InvokeMethodOnNull', 'stop: bad', 'after']);
    expect(r.exitCode).toBe(0);
  });

  it('rethrows the handled error with a bare throw, and splats ordered hashtables into commands', async () => {
    const r = await run(String.raw`
function Invoke-Twice {
  param([scriptblock]$Call)
  try { & $Call } catch { if ($_.Exception.Message -like '*retry*') { & $Call } else { throw } }
}
try { Invoke-Twice { throw 'fatal' } } catch { Write-Output "outer: $($_.Exception.Message)" }
$parameters = [ordered]@{ InputObject = @{ a = 1 }; Compress = $true }
ConvertTo-Json @parameters
`);
    expect(r.stdout.split('\n')).toEqual(['outer: fatal', '{"a":1}']);
  });

  it('exits 1 with an error record on stderr for an uncaught terminating error, and N on exit N', async () => {
    const failing = await run(`Write-Output 'before'\nthrow 'fatal thing'\nWrite-Output 'never'`);
    expect(failing.exitCode).toBe(1);
    expect(failing.stdout).toBe('before');
    expect(failing.stderr).toContain('fatal thing');
    expect(failing.stderr).toMatch(/script\.ps1:2/);
    const exiting = await run(`Write-Output 'x'\nexit 7\nWrite-Output 'never'`);
    expect(exiting.exitCode).toBe(7);
    expect(exiting.stdout).toBe('x');
  });

  it('continues after a non-terminating error unless $ErrorActionPreference is Stop', async () => {
    const continuing = await run(`Write-Error 'first'\nWrite-Output 'second'`);
    expect(continuing.exitCode).toBe(0);
    expect(continuing.stdout).toBe('second');
    expect(continuing.stderr).toContain('first');
    const stopping = await run(`$ErrorActionPreference = 'Stop'\nWrite-Error 'first'\nWrite-Output 'second'`);
    expect(stopping.exitCode).toBe(1);
    expect(stopping.stdout).toBe('');
  });

  it('reads $env: variables; Write-Host and Write-Warning go to stdout, as pwsh writes them', async () => {
    const r = await run(`Write-Host "hello $env:EXO_TEST_NAME"\nWrite-Warning 'careful'\nWrite-Output ($env:EXO_TEST_MISSING -eq $null)`, { env: { EXO_TEST_NAME: 'world' } });
    expect(r.stdout).toBe('hello world\nWARNING: careful\nTrue');
    expect(r.stderr).toBe('');
  });

  it('reads the script from stdin with -Command -', async () => {
    const r = await run(`Write-Output 'from stdin'`, { stdin: true });
    expect(r.stdout).toBe('from stdin');
    expect(r.exitCode).toBe(0);
  });

  it('scales Start-Sleep by EXO_SIM_SLEEP_SCALE (default: no real sleep)', async () => {
    const started = Date.now();
    const fast = await run(`Start-Sleep -Seconds 30\nWrite-Output 'woke'`);
    expect(fast.stdout).toBe('woke');
    expect(Date.now() - started).toBeLessThan(10_000);
    const scaledStart = Date.now();
    await run(`Start-Sleep -Milliseconds 400`, { env: { EXO_SIM_SLEEP_SCALE: '1' } });
    expect(Date.now() - scaledStart).toBeGreaterThanOrEqual(400);
  });

  it('reports syntax errors like PowerShell\'s parser, with line and column, and runs nothing', async () => {
    const r = await run(`Write-Output 'ran'\nif ($true) {\n  Write-Output 'x'\n`);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ParserError: .*script\.ps1:\d+:\d+/);
    expect(r.stderr).toContain("Missing closing '}'");
  });

  it('treats a lone typographic quote inside a single-quoted string as the end of the string (a syntax error)', async () => {
    const r = await run(`Write-Output 'ran'\n$x = 'it’s'\n`);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ParserError: .*script\.ps1:2:9/);
  });

  it('fails loudly on what it does not support', async () => {
    const r = await run(`Write-Output 'ran'\nGet-Date`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('is not supported by the simulator');
    const unknown = await run(`$ErrorActionPreference = 'Stop'\nGet-Nonsense`);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("The term 'Get-Nonsense' is not recognized");
  });
});
