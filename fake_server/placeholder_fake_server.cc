// placeholder so the module has a source until its code lands
namespace smtp {}
