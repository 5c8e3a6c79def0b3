//! One parser per report format, and the dispatch between them.

use std::io::BufRead;

use crate::error::ParseError;
use crate::format::Format;
use crate::sink::Sink;

mod burp;
mod csv_template;
mod nessus;
mod nmap;
mod nuclei;
mod openvas;
mod sarif;
mod trivy;
mod zap;
mod zap_json;
mod zap_xml;

/// Runs the parser of `format` over `r`.
pub(crate) fn run(
    format: Format,
    r: &mut dyn BufRead,
    sink: &mut Sink<'_>,
) -> Result<(), ParseError> {
    match format {
        Format::Nessus => nessus::parse(r, sink),
        Format::OpenVas => openvas::parse(r, sink),
        Format::Nmap => nmap::parse(r, sink),
        Format::ZapXml => zap_xml::parse(r, sink),
        Format::ZapJson => zap_json::parse(r, sink),
        Format::Burp => burp::parse(r, sink),
        Format::Trivy => trivy::parse(r, sink),
        Format::Sarif => sarif::parse(r, sink),
        Format::NucleiJson => nuclei::parse_array(r, sink),
        Format::NucleiJsonl => nuclei::parse_lines(r, sink),
        Format::Csv => csv_template::parse(r, sink),
    }
}
