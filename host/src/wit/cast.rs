//! Conversions between types of the same shape: the generated types of one WIT version and
//! those of another, and those of the latest version and the host's model. A record converts
//! field by field, an enum or variant case by case, a list, option or tuple element by element.
//!
//! `record!(A = B { f, g })`, `enumeration!(A = B { X, Y })` and `variant!(A = B { X, Y })`
//! implement [`Cast`] both ways; a field or payload of another type converts through its own
//! `Cast`.

use wasmtime::component::Resource;

/// Converts `self` into a `T` of the same shape.
pub(crate) trait Cast<T> {
    /// The conversion.
    fn cast(self) -> T;
}

macro_rules! same {
    ($($t:ty),*) => {
        $(impl Cast<$t> for $t {
            fn cast(self) -> $t {
                self
            }
        })*
    };
}

same!((), String, bool, u8, u16, u32, u64, i32, i64);

impl<T: 'static> Cast<Resource<T>> for Resource<T> {
    fn cast(self) -> Resource<T> {
        self
    }
}

impl<A: Cast<B>, B> Cast<Vec<B>> for Vec<A> {
    fn cast(self) -> Vec<B> {
        self.into_iter().map(Cast::cast).collect()
    }
}

impl<A: Cast<B>, B> Cast<Option<B>> for Option<A> {
    fn cast(self) -> Option<B> {
        self.map(Cast::cast)
    }
}

impl<A: Cast<C>, B: Cast<D>, C, D> Cast<(C, D)> for (A, B) {
    fn cast(self) -> (C, D) {
        (self.0.cast(), self.1.cast())
    }
}

impl<A: Cast<C>, B: Cast<D>, C, D> Cast<Result<C, D>> for Result<A, B> {
    fn cast(self) -> Result<C, D> {
        self.map(Cast::cast).map_err(Cast::cast)
    }
}

/// Records of the same fields, both ways.
macro_rules! record {
    ($($a:ty = $b:ty { $($field:ident),* $(,)? })*) => {
        $(
            impl $crate::wit::cast::Cast<$b> for $a {
                fn cast(self) -> $b {
                    type Dst = $b;
                    Dst { $($field: $crate::wit::cast::Cast::cast(self.$field)),* }
                }
            }
            impl $crate::wit::cast::Cast<$a> for $b {
                fn cast(self) -> $a {
                    type Dst = $a;
                    Dst { $($field: $crate::wit::cast::Cast::cast(self.$field)),* }
                }
            }
        )*
    };
}

/// Enums of the same cases, both ways.
macro_rules! enumeration {
    ($($a:ty = $b:ty { $($case:ident),* $(,)? })*) => {
        $(
            impl $crate::wit::cast::Cast<$b> for $a {
                fn cast(self) -> $b {
                    type Src = $a;
                    type Dst = $b;
                    match self { $(Src::$case => Dst::$case),* }
                }
            }
            impl $crate::wit::cast::Cast<$a> for $b {
                fn cast(self) -> $a {
                    type Src = $b;
                    type Dst = $a;
                    match self { $(Src::$case => Dst::$case),* }
                }
            }
        )*
    };
}

/// Variants of the same cases, each with a payload, both ways.
macro_rules! variant {
    ($($a:ty = $b:ty { $($case:ident),* $(,)? })*) => {
        $(
            impl $crate::wit::cast::Cast<$b> for $a {
                fn cast(self) -> $b {
                    type Src = $a;
                    type Dst = $b;
                    match self { $(Src::$case(v) => Dst::$case($crate::wit::cast::Cast::cast(v))),* }
                }
            }
            impl $crate::wit::cast::Cast<$a> for $b {
                fn cast(self) -> $a {
                    type Src = $b;
                    type Dst = $a;
                    match self { $(Src::$case(v) => Dst::$case($crate::wit::cast::Cast::cast(v))),* }
                }
            }
        )*
    };
}

pub(crate) use {enumeration, record, variant};
