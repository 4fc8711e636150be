package fakearr

import "math"

// mix is splitmix64's finalizer: a cheap, well-spread hash of x.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hashOf combines a seed and a list of values into one deterministic hash.
func hashOf(seed int64, vals ...uint64) uint64 {
	h := mix(uint64(seed))
	for _, v := range vals {
		h = mix(h ^ v)
	}
	return h
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// pick returns a deterministic index in [0, n).
func pick(h uint64, n int) int {
	if n <= 0 {
		return 0
	}
	return int(h % uint64(n))
}

// salts keep the hashes of different decisions about one item independent.
const (
	saltSeries uint64 = iota + 1
	saltSeason
	saltEpisode
	saltFile
	saltMovie
	saltFind
	saltKey
	saltRelease
	saltTitle
)

// clamp01 bounds a ratio to [0, 1].
func clamp01(f float64) float64 { return math.Max(0, math.Min(1, f)) }
