package collaborators

// For the external tests: the import sheet's header and a workbook maker.
const ImportHeader = importHeader

var XlsxOf = xlsxOf
